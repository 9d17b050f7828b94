import { CONSUMER_GROUP, DLQ_TOPIC, EVENTS_TOPIC, JOBS_TOPIC } from '@evh/events';
import { envInt, envList, envLogLevel, envPort } from '@evh/lifecycle';
import { storageEnvSchema } from '@evh/storage';
import { z } from 'zod';

export const ingestConfigSchema = storageEnvSchema.extend({
  PORT: envPort(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: envLogLevel,
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  EVENTS_TOPIC: z.string().min(1).default(EVENTS_TOPIC),
  DLQ_TOPIC: z.string().min(1).default(DLQ_TOPIC),
  /** Only used to name the group in logs; the ingest does not consume. */
  CONSUMER_GROUP: z.string().min(1).default(CONSUMER_GROUP),
  EVENTS_PARTITIONS: envInt(12, 1),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default(''),
  RATE_LIMIT_PER_WINDOW: envInt(100, 1),
  RATE_LIMIT_WINDOW_MS: envInt(1000, 1),
  /** Project quotas are re-read from Redis this often (when the controller changed them). */
  QUOTA_REFRESH_MS: envInt(1000, 50),
  PRODUCE_LINGER_MS: envInt(3, 0),
  PRODUCE_MAX_BATCH: envInt(2000, 1),
  PRODUCE_TIMEOUT_MS: envInt(5000, 100),
  MAX_BODY_BYTES: envInt(5 * 1024 * 1024, 1024),
  MAX_UPLOAD_BYTES: envInt(1024 * 1024 * 1024, 1),
  JOBS_TOPIC: z.string().min(1).default(JOBS_TOPIC),
  /** How long job records are kept. */
  JOB_RETENTION_MS: envInt(7 * 24 * 60 * 60 * 1000, 1000),
  /** `*` or a comma-separated list of origins allowed to call the ingest from a browser. */
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((v) => (v === '*' ? '*' : v.split(',').map((o) => o.trim()))),
  SHUTDOWN_TIMEOUT_MS: envInt(9000, 100),
});

export type IngestConfig = z.output<typeof ingestConfigSchema>;
