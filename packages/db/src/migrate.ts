import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findPackageRoot } from '@evh/paths';
import type { Pool, PoolClient } from './create-pool.js';
import { dbErrors, toDbError } from './db-errors.js';

/** The package's migrations: `NNNN_name.sql`, applied in the order of their number (beside the sources, where the image takes files other than TypeScript). */
export const MIGRATIONS_DIR = join(findPackageRoot(import.meta.url), 'src', 'migrations');

// Any constant shared by every migrator of this schema: pg_advisory_lock takes a bigint.
const MIGRATION_LOCK = 7_200_019;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction
 * with its record, under a session advisory lock: every replica may call this at start-up (and
 * the chart's hook Job does), and only one applies while the others wait, then find nothing to
 * do. A recorded migration whose file changed fails with DB_MIGRATION_CHANGED: the database
 * and the code disagree, and guessing would be worse. Returns the versions applied now.
 */
export async function migrate(pool: Pool, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toDbError(err, 'migrate: connect');
  }
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map<number, string>(
      (
        await client.query<{ version: number; checksum: string }>(
          'SELECT version, checksum FROM schema_migrations',
        )
      ).rows.map((r) => [r.version, r.checksum]),
    );
    for (const m of all) {
      const recorded = done.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== m.checksum)
          throw dbErrors.DB_MIGRATION_CHANGED(
            `migration ${m.version}_${m.name} was applied with checksum ${recorded.slice(0, 12)}…, the file now has ${m.checksum.slice(0, 12)}…`,
          );
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } catch (err) {
    throw toDbError(err, 'migrate');
  } finally {
    // Ending the session releases the advisory lock even when the unlock cannot be sent.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
