import pg from 'pg';
import { randomName } from './random-name.js';

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  name: string;
  /** Drops it (connections still open to it are ended first). */
  drop(): Promise<void>;
}

/**
 * A database of its own on the test run's PostgreSQL (DATABASE_URL, set by `make test`): each
 * test file migrates and fills its own, so files never see each other's rows.
 */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('DATABASE_URL is not set: run the tests with `make test`');
  const name = randomName(prefix).replaceAll('-', '_').toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
