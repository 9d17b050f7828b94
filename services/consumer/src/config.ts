import { dbEnvShape } from '@evh/db';
import { JOB_WORKERS_GROUP, topicsEnvShape } from '@evh/events';
import { httpLimitsEnvShape } from '@evh/http';
import { brokerProbeEnvShape, kafkaEnvShape } from '@evh/kafka';
import { envBool, envInt, serviceEnvShape } from '@evh/lifecycle';
import { logsConfigSchema } from '@evh/logs';
import { redisEnvShape } from '@evh/redis';
import { storageEnvSchema } from '@evh/storage';
import { z } from 'zod';
import { workRangeSchema } from './crashes/simulated-work.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const consumerConfigSchema = storageEnvSchema.extend({
  ...serviceEnvShape(3002),
  ...kafkaEnvShape,
  ...brokerProbeEnvShape,
  ...topicsEnvShape,
  ...redisEnvShape,
  ...httpLimitsEnvShape,
  ...dbEnvShape,
  /**
   * Keep each upload's parsed entries in PostgreSQL (DATABASE_URL). false: only the analytics
   * in Redis, and no PostgreSQL at all.
   */
  JOB_STORE_ENTRIES: envBool(true),
  /**
   * A job's writes to PostgreSQL are retried this long while it is unavailable; then the job
   * fails as DB_UNAVAILABLE.
   */
  DB_WRITE_TIMEOUT_MS: envInt(60_000, 0),
  /** Parsed entries are kept this many days after their upload (whole partitions are dropped). */
  LOG_RETENTION_DAYS: envInt(30, 1),
  /** Events processed at once across all users; one user's events are always serial. */
  CONSUMER_CONCURRENCY: envInt(64, 1),
  /**
   * Of those, the last few go only to projects holding fewer than this many, so a flooding
   * project never holds them all (default: an eighth, rounded down; 0 turns it off). Below
   * CONSUMER_CONCURRENCY.
   */
  CONSUMER_RESERVED_SLOTS: z.coerce.number().int().min(0).optional(),
  /** A partition is no longer fetched while this many of its messages are unfinished. */
  MAX_PENDING_PER_PARTITION: envInt(2000, 1),
  /** ...or while their values add up to this many bytes. */
  MAX_PENDING_BYTES_PER_PARTITION: envInt(8 * 1024 * 1024, 1024),
  /** Each partition's finished prefix is committed this often. */
  OFFSET_COMMIT_INTERVAL_MS: envInt(200, 10),
  /** A message not finalized because Redis or Kafka failed is read again after this. */
  REDELIVERY_DELAY_MS: envInt(1000, 0),
  /** At shutdown, running events get this long to finish before the group is left. */
  DRAIN_TIMEOUT_MS: envInt(5000, 0),
  MAX_ATTEMPTS: envInt(3, 1),
  RETRY_BACKOFF_MS: envInt(50, 0),
  /**
   * Expiry of an event's `inflight:` lock. Held locks are renewed every min(1 s, TTL / 3),
   * so this is how long a dead consumer's events wait, not a bound on an event's duration.
   */
  LOCK_TTL_MS: envInt(5000, 100),
  /**
   * A partition's offset is committed only past events finalized at least this long ago:
   * with Redis `appendfsync everysec` an acknowledged write reaches the disk within ~2 s
   * (0 with `appendfsync always`). ADR 0007.
   */
  DURABLE_AFTER_MS: envInt(2000, 0),
  /** event:, dedup:, dlq: and order keys live this long; must outlive Kafka's retention. */
  RETENTION_MS: envInt(7 * DAY_MS, 1000),
  ORDER_GAP_TIMEOUT_MS: envInt(5000, 1),
  STALL_GRACE_MS: envInt(1000, 1),
  SWEEP_INTERVAL_MS: envInt(250, 10),
  SESSION_TIMEOUT_MS: envInt(6000, 6000),
  /**
   * /healthz fails (Kubernetes restarts the pod) when events wait, Kafka and Redis answer,
   * and no event was finalized and no offset committed for this long.
   */
  LIVENESS_STALL_MS: envInt(60_000, 1000),
  /** A random sleep per crash (`10-1000`), standing in for a slow database. */
  CRASH_SIMULATED_WORK_MS: workRangeSchema,
  /** How often project quotas (weights, maxInFlight) are re-read from Redis. */
  QUOTA_REFRESH_MS: envInt(1000, 50),
  /** How long custom counter definitions are cached; a change applies within this. */
  COUNTER_CACHE_MS: envInt(500, 0),
  JOB_WORKERS_GROUP: z.string().min(1).default(JOB_WORKERS_GROUP),
  /** Jobs read at the same time by this process (one per partition of `jobs`). */
  JOB_CONCURRENCY: envInt(2, 1),
  /**
   * Lines of an upload counted, produced as one `log.chunk` event and checkpointed together,
   * up to this many or JOB_CHUNK_BYTES, whichever comes first (a job keeps the bounds it
   * started with).
   */
  JOB_CHUNK_LINES: envInt(5000, 1),
  JOB_CHUNK_BYTES: envInt(1024 * 1024, 1024),
  JOB_MAX_LINE_BYTES: envInt(1024 * 1024, 64),
  /** A random delay per line (`0-1000`), seed 002's simulated slow processing. */
  JOB_SIMULATED_LINE_DELAY_MS: workRangeSchema,
  /** Storage reads tried this many times before the job fails. */
  JOB_STORAGE_ATTEMPTS: envInt(3, 1),
  /** Thresholds of log parsing and anomaly detection, as JSON (see @evh/logs logs-config.ts). */
  LOGS_CONFIG: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(logsConfigSchema),
});

export type ConsumerConfig = z.output<typeof consumerConfigSchema>;
