import type { Pool, PoolClient } from './create-pool.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The upload day of an instant: the UTC date `YYYY-MM-DD`, the partition key of its entries. */
export function uploadDayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The partition of log_entries that holds one upload day: `log_entries_p20261202`. */
export function partitionName(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  return `log_entries_p${day.replaceAll('-', '')}`;
}

/** The day after `day`, as `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  return uploadDayOf(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

// Per pool, the days whose partition is known to exist: one CREATE per day and process.
const known = new WeakMap<Pool, Set<string>>();
// An advisory lock key of its own: two workers creating the same day's partition would otherwise
// race on the catalog (one fails with "relation already exists" despite IF NOT EXISTS).
const PARTITION_LOCK = 7_200_020;

/** Creates the partition for `day` when it does not exist yet; returns its name. */
export async function ensurePartition(pool: Pool, client: PoolClient, day: string): Promise<string> {
  const name = partitionName(day);
  const days = known.get(pool) ?? new Set<string>();
  known.set(pool, days);
  if (days.has(day)) return name;
  await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF log_entries FOR VALUES FROM ('${day}') TO ('${nextDay(day)}')`,
  );
  days.add(day);
  return name;
}

/** Forgets the known partitions (retention dropped some). */
export function forgetPartitions(pool: Pool): void {
  known.delete(pool);
}
