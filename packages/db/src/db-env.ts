import { envInt } from '@evh/lifecycle';
import { z } from 'zod';

/** The PostgreSQL part of a service's env schema. */
export const dbEnvShape = {
  DATABASE_URL: z.string().url().default('postgres://evh@127.0.0.1:5432/postgres'),
  /** Connections of this process's pool. */
  DB_POOL_MAX: envInt(8, 1),
  /** A statement running longer than this is cancelled (a query never hangs a request). */
  DB_STATEMENT_TIMEOUT_MS: envInt(30_000, 100),
};

export type DbEnv = z.output<z.ZodObject<typeof dbEnvShape>>;
