import pg from 'pg';
import type { Logger } from 'pino';
import type { DbEnv } from './db-env.js';
import { toDbError } from './db-errors.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * The process's connection pool. An idle client whose server went away emits 'error' on the
 * pool; without a listener that would crash the process, so it is logged and the client
 * dropped (the next query connects again). Connecting is bounded: a server that is down fails
 * a query in seconds as DB_UNAVAILABLE instead of hanging it.
 */
export function createPool(env: DbEnv, logger: Pick<Logger, 'warn'>): Pool {
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.DB_POOL_MAX,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: env.DB_STATEMENT_TIMEOUT_MS,
    application_name: 'event-horizon',
  });
  pool.on('error', (err) =>
    logger.warn({ err: toDbError(err, 'idle connection') }, 'postgres connection lost'),
  );
  return pool;
}

/**
 * Runs `work` in a transaction on one client: committed when it resolves, rolled back when it
 * throws, with the error coded (toDbError) and `what` in its message.
 */
export async function inTransaction<T>(
  pool: Pool,
  what: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toDbError(err, what);
  }
  // A client whose connection broke mid-transaction must not go back to the pool.
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw toDbError(err, what);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Whether the server answers now (readiness). */
export async function pingDb(pool: Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
