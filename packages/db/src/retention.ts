import type { Pool } from './create-pool.js';
import { toDbError } from './db-errors.js';
import { forgetPartitions, uploadDayOf } from './log-partitions.js';

/**
 * Drops the log_entries partitions of upload days older than `days` (a whole day's entries go
 * at once, no row-by-row DELETE and no bloat), and the records of the jobs uploaded on them
 * (their invalid lines go with them). Returns the partitions dropped.
 */
export async function dropExpiredEntries(pool: Pool, days: number, now = Date.now()): Promise<string[]> {
  const cutoff = uploadDayOf(now - days * 24 * 60 * 60 * 1000);
  try {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = 'log_entries' AND c.relname ~ '^log_entries_p[0-9]{8}$'
         AND to_date(substr(c.relname, 14), 'YYYYMMDD') < $1::date
       ORDER BY 1`,
      [cutoff],
    );
    for (const { name } of rows) await pool.query(`DROP TABLE IF EXISTS ${name}`);
    await pool.query('DELETE FROM jobs WHERE upload_day < $1::date', [cutoff]);
    if (rows.length > 0) forgetPartitions(pool);
    return rows.map((r) => r.name);
  } catch (err) {
    throw toDbError(err, 'drop expired log entries');
  }
}
