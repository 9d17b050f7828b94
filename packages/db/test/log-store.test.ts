import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, freePort, type TestDatabase } from '@evh/testing';
import {
  createJobRecords,
  createLogQueries,
  createPool,
  decodeCursor,
  dropExpiredEntries,
  type EntryFilter,
  isDbUnavailable,
  LogEntryRows,
  migrate,
  type Pool,
  readMigrations,
  type StoredEntry,
  writeEntryChunk,
} from '../src/index.js';

const silent = { warn() {} };
const DAY = '2026-12-02';
const LEVELS = ['INFO', 'WARN', 'ERROR'];
const SERVICES = ['PaymentGateway', 'BillingService', 'FraudDetection'];
const WORDS = ['payment', 'refund', 'timeout', 'approved', 'declined'];

let db: TestDatabase;
let pool: Pool;

before(async () => {
  db = await createTestDatabase('dbtest');
  pool = createPool({ DATABASE_URL: db.url, DB_POOL_MAX: 4, DB_STATEMENT_TIMEOUT_MS: 10_000 }, silent);
  await migrate(pool);
});

after(async () => {
  await pool?.end();
  await db?.drop();
});

/** A deterministic entry for line n of a job: levels, services, users, words and times cycle. */
function entryOf(n: number) {
  return {
    line: n,
    epochMs: Date.parse('2025-07-22T00:00:00Z') + (n % 500) * 60_000,
    level: LEVELS[n % 3] as string,
    service: SERVICES[n % 3 === 0 ? n % 2 : 2] as string,
    user: `user${n % 7}`,
    message: `${WORDS[n % 5]} ${WORDS[(n * 3) % 5]} tab\there #${n}`,
    fields: n % 10 === 0 ? { amount: n, nul: 'a\u0000b' } : undefined,
  };
}

async function loadJob(jobId: string, projectId: string, lines: number, chunk: number, uploadDay = DAY) {
  const jobs = createJobRecords(pool);
  await jobs.started({
    jobId,
    projectId,
    fileName: `${jobId}.jsonl`,
    sizeBytes: lines * 100,
    format: 'jsonl',
    createdAt: Date.parse(`${uploadDay}T10:00:00Z`),
    startedAt: Date.now(),
    uploadDay,
  });
  const all: ReturnType<typeof entryOf>[] = [];
  for (let first = 1; first <= lines; first += chunk) {
    const rows = new LogEntryRows(uploadDay, jobId, projectId);
    const last = Math.min(lines, first + chunk - 1);
    const invalid = [];
    for (let n = first; n <= last; n++) {
      if (n % 97 === 0) {
        invalid.push({ line: n, reason: 'invalid_json', message: `bad line ${n}` });
        continue;
      }
      const e = entryOf(n);
      rows.add(e);
      all.push(e);
    }
    await writeEntryChunk(pool, {
      jobId,
      uploadDay,
      firstLine: first,
      lastLine: last,
      rows: rows.take(),
      invalid,
      replace: false,
    });
  }
  return all;
}

async function allPages(
  read: (cursor?: string) => Promise<{ entries: StoredEntry[]; nextCursor: string | null }>,
) {
  const out: StoredEntry[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = await read(cursor);
    out.push(...page.entries);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

test('migrations apply once, concurrently, and a changed file is refused', async () => {
  assert.deepEqual(await migrate(pool), [], 'already applied in before()');
  const applied = await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
  assert.deepEqual(applied, [[], [], []]);
  const { rows } = await pool.query('SELECT version FROM schema_migrations');
  assert.equal(rows.length, (await readMigrations()).length);
  const changed = (await readMigrations()).map((m) => ({ ...m, checksum: 'x'.repeat(64) }));
  await assert.rejects(migrate(pool, changed), { code: 'DB_MIGRATION_CHANGED' });
});

test('every entry written is read back, in line order, through the pages', async () => {
  const written = await loadJob('job-a', 'proj-a', 3000, 700);
  const q = createLogQueries(pool);
  const read = await allPages(async (cursor) =>
    q.jobEntries('job-a', DAY, {
      order: 'oldest',
      limit: 250,
      after: cursor ? (decodeCursor(cursor) ?? undefined) : undefined,
    }),
  );
  assert.equal(read.length, written.length);
  assert.deepEqual(
    read.map((e) => e.line),
    written.map((e) => e.line),
  );
  const sample = read.find((e) => e.line === 10);
  assert.equal(sample?.message, entryOf(10).message, 'a tab survives COPY');
  assert.deepEqual(sample?.fields, { amount: 10, nul: 'a\uFFFDb' }, 'a NUL becomes U+FFFD');
  assert.equal(sample?.timestamp, new Date(entryOf(10).epochMs).toISOString());
  const inv = await q.invalidLines('job-a', 0, 1000);
  assert.deepEqual(
    inv.lines.map((l) => l.line),
    Array.from({ length: 30 }, (_, i) => (i + 1) * 97).filter((n) => n <= 3000),
  );
  assert.equal(inv.lines[0]?.reason, 'invalid_json');
  const job = await createJobRecords(pool).get('job-a');
  assert.equal(job?.entriesLine, 3000);
});

test('filters and full-text search return exactly the matching entries, across pages', async () => {
  const written = await loadJob('job-b', 'proj-b', 2000, 500);
  const q = createLogQueries(pool);
  const cases: {
    filter: Omit<EntryFilter, 'order' | 'limit'>;
    match: (e: ReturnType<typeof entryOf>) => boolean;
  }[] = [
    { filter: { levels: ['ERROR'] }, match: (e) => e.level === 'ERROR' },
    {
      filter: { levels: ['ERROR', 'WARN'], service: 'FraudDetection' },
      match: (e) => e.level !== 'INFO' && e.service === 'FraudDetection',
    },
    { filter: { user: 'user3' }, match: (e) => e.user === 'user3' },
    {
      filter: { from: new Date('2025-07-22T01:00:00Z'), to: new Date('2025-07-22T02:00:00Z') },
      match: (e) =>
        e.epochMs >= Date.parse('2025-07-22T01:00:00Z') && e.epochMs < Date.parse('2025-07-22T02:00:00Z'),
    },
    {
      filter: { q: 'refund timeout' },
      match: (e) => e.message.includes('refund') && e.message.includes('timeout'),
    },
    {
      filter: { q: 'declined', levels: ['INFO'] },
      match: (e) => e.message.includes('declined') && e.level === 'INFO',
    },
  ];
  for (const { filter, match } of cases) {
    const expected = written.filter(match);
    assert.ok(expected.length > 0, `the case ${JSON.stringify(filter)} matches something`);
    const byJob = await allPages((cursor) =>
      q.jobEntries('job-b', DAY, {
        ...filter,
        order: 'newest',
        limit: 77,
        after: cursor ? (decodeCursor(cursor) ?? undefined) : undefined,
      }),
    );
    assert.deepEqual(
      byJob.map((e) => e.line),
      expected.map((e) => e.line).reverse(),
      `job entries ${JSON.stringify(filter)}`,
    );
    const byProject = await allPages((cursor) =>
      q.projectEntries('proj-b', {
        ...filter,
        order: 'oldest',
        limit: 64,
        after: cursor ? (decodeCursor(cursor) ?? undefined) : undefined,
      }),
    );
    // Time order, ties (many lines share a minute) by line: every entry once, none skipped.
    const sorted = [...expected].sort((a, b) => a.epochMs - b.epochMs || a.line - b.line);
    assert.deepEqual(
      byProject.map((e) => e.line),
      sorted.map((e) => e.line),
      `project entries ${JSON.stringify(filter)}`,
    );
  }
});

test('a chunk written again replaces itself: no duplicate, no gap', async () => {
  await loadJob('job-c', 'proj-c', 100, 50);
  const rows = new LogEntryRows(DAY, 'job-c', 'proj-c');
  for (let n = 51; n <= 100; n++) if (n % 97 !== 0) rows.add(entryOf(n));
  const invalid = [{ line: 97, reason: 'invalid_json', message: 'again' }];
  await writeEntryChunk(pool, {
    jobId: 'job-c',
    uploadDay: DAY,
    firstLine: 51,
    lastLine: 100,
    rows: rows.take(),
    invalid,
    replace: true,
  });
  const { rows: counts } = await pool.query(
    'SELECT count(*)::int AS n, count(DISTINCT line)::int AS d, min(line) AS lo, max(line) AS hi FROM log_entries WHERE job_id = $1',
    ['job-c'],
  );
  assert.deepEqual(counts[0], { n: 99, d: 99, lo: 1, hi: 100 });
  const inv = await pool.query('SELECT message FROM invalid_lines WHERE job_id = $1', ['job-c']);
  assert.deepEqual(inv.rows, [{ message: 'again' }]);
});

test('retention drops the partitions of old upload days and their jobs, and nothing newer', async () => {
  await loadJob('job-old', 'proj-r', 50, 50, '2026-10-01');
  await loadJob('job-new', 'proj-r', 50, 50, '2026-11-30');
  const dropped = await dropExpiredEntries(pool, 30, Date.parse('2026-12-01T12:00:00Z'));
  assert.deepEqual(dropped, ['log_entries_p20261001']);
  const { rows } = await pool.query(`SELECT DISTINCT job_id FROM log_entries WHERE project_id = 'proj-r'`);
  assert.deepEqual(rows, [{ job_id: 'job-new' }]);
  assert.equal(await createJobRecords(pool).get('job-old'), null);
  // A new job of a dropped day gets its partition again.
  await loadJob('job-old-2', 'proj-r', 5, 5, '2026-10-01');
});

test('a database that is not there is DB_UNAVAILABLE, quickly', async () => {
  const port = await freePort();
  const down = createPool(
    { DATABASE_URL: `postgres://evh@127.0.0.1:${port}/x`, DB_POOL_MAX: 1, DB_STATEMENT_TIMEOUT_MS: 1000 },
    silent,
  );
  const started = Date.now();
  await assert.rejects(createLogQueries(down).jobEntries('j', DAY, { order: 'oldest', limit: 1 }), (err) =>
    isDbUnavailable(err),
  );
  assert.ok(Date.now() - started < 6000);
  await down.end();
});
