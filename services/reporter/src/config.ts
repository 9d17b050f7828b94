import { envInt, envLogLevel, envPort } from '@evh/lifecycle';
import { z } from 'zod';

export const reporterConfigSchema = z.object({
  PORT: envPort(3001),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: envLogLevel,
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default(''),
  /** The ingest's address as a browser reaches it, for the upload page. */
  PUBLIC_INGEST_URL: z.string().url().default('http://127.0.0.1:3000'),
  SHUTDOWN_TIMEOUT_MS: envInt(9000, 100),
});

export type ReporterConfig = z.output<typeof reporterConfigSchema>;
