#!/usr/bin/env node
// `evh-migrate`: applies the schema's migrations to DATABASE_URL and exits (the chart's
// pre-install/pre-upgrade hook Job runs it; services also migrate at start-up).
import { createLogger, parseConfig } from '@evh/lifecycle';
import { z } from 'zod';
import { createPool } from './create-pool.js';
import { dbEnvShape } from './db-env.js';
import { migrate } from './migrate.js';

const env = parseConfig(z.object(dbEnvShape), process.env);
const pool = createPool(env, createLogger('migrate', 'info'));
try {
  const applied = await migrate(pool);
  console.log(applied.length ? `applied migrations ${applied.join(', ')}` : 'schema up to date');
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
