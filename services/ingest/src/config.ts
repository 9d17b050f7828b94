import { topicsEnvShape } from '@evh/events';
import { httpLimitsEnvShape } from '@evh/http';
import { brokerProbeEnvShape, kafkaEnvShape } from '@evh/kafka';
import { envBool, envInt, serviceEnvShape } from '@evh/lifecycle';
import { authEnvShape } from '@evh/projects';
import { redisEnvShape } from '@evh/redis';
import { storageEnvSchema } from '@evh/storage';
import { z } from 'zod';

export const ingestConfigSchema = storageEnvSchema.extend({
  ...serviceEnvShape(3000),
  ...kafkaEnvShape,
  ...brokerProbeEnvShape,
  ...topicsEnvShape,
  ...redisEnvShape,
  ...httpLimitsEnvShape,
  ...authEnvShape,
  /** Whether the seed-004 routes (POST /events, /events/batch) need an ingest key too. */
  EVENTS_REQUIRE_KEY: envBool(false),
  RATE_LIMIT_PER_WINDOW: envInt(100, 1),
  RATE_LIMIT_WINDOW_MS: envInt(1000, 1),
  /**
   * Project quotas are re-read from Redis this often (when the controller changed them). Each
   * refresh is one GET of a version counter, so half a second is cheap, and leaves most of the
   * 2 s promised for a kubectl apply to the controller (under load it took 3.7 s at 1 s).
   */
  QUOTA_REFRESH_MS: envInt(500, 50),
  /**
   * Projects labelled by id in the per-project metrics; later ones are counted as `other`
   * (bounded cardinality). 0: no per-project label (`all`).
   */
  METRICS_PROJECT_LABELS: envInt(50, 0),
  PRODUCE_LINGER_MS: envInt(3, 0),
  /** A write with no batch in flight goes at once; behind one, at its acknowledgement or the linger (ADR 0022). */
  PRODUCE_WHEN_IDLE: envBool(true),
  PRODUCE_MAX_BATCH: envInt(2000, 1),
  PRODUCE_TIMEOUT_MS: envInt(5000, 100),
  MAX_BODY_BYTES: envInt(5 * 1024 * 1024, 1024),
  /** The most a compressed body (Sentry's routes) may be once decompressed. */
  MAX_DECODED_BYTES: envInt(20 * 1024 * 1024, 1024),
  MAX_UPLOAD_BYTES: envInt(1024 * 1024 * 1024, 1),
  /** How long job records are kept. */
  JOB_RETENTION_MS: envInt(7 * 24 * 60 * 60 * 1000, 1000),
  /** `*` or a comma-separated list of origins allowed to call the ingest from a browser. */
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((v) => (v === '*' ? '*' : v.split(',').map((o) => o.trim()))),
});

export type IngestConfig = z.output<typeof ingestConfigSchema>;
