import { z } from 'zod';

/** An empty variable (`PORT=`) means "not set", not zero. */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/** Small env coercions shared by every service's config schema. */
export const envPort = (fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(fallback));

export const envInt = (fallback: number, min = 0) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).default(fallback));

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** A comma-separated list such as KAFKA_BROKERS=127.0.0.1:9092,127.0.0.1:9093. */
export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(1));

export const envLogLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** What every service's env schema starts with: where it listens, how it logs and closes. */
export const serviceEnvShape = (port: number) => ({
  PORT: envPort(port),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: envLogLevel,
  /** The whole graceful shutdown is bounded by this, below the pod's grace period. */
  SHUTDOWN_TIMEOUT_MS: envInt(9000, 100),
});
