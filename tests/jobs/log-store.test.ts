import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { StoredEntry } from '@evh/db';
import { jobKeys } from '@evh/redis';
import {
  createTestDatabase,
  type OwnServer,
  ownPostgres,
  randomName,
  type TestDatabase,
  tempDir,
  waitFor,
} from '@evh/testing';
import pg from 'pg';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';
import { SAMPLE, sampleText, uploadFile, waitForJob } from './job-fixture.js';

/** An entry as the reporter serves it: the store's own type. */
type Entry = StoredEntry;

/** Every page of an entry list, following nextCursor. */
async function allEntries(f: PipelineFixture, path: string): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await f.read(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    out.push(...(res.json.entries as Entry[]));
    cursor = res.json.nextCursor as string | null;
    if (!cursor) return out;
  }
  throw new Error('pagination did not end');
}

/** The words PostgreSQL's 'simple' configuration makes of a message (lower-case runs of letters and digits). */
const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);

/**
 * Rows of the job in PostgreSQL: how many, how many distinct lines, and its record, once the
 * record says completed (Redis, which the reporter's job route reads, may say so a moment earlier).
 */
async function rowCounts(url: string, jobId: string) {
  return waitFor(`job ${jobId} completed in postgres`, async () => {
    const counts = await storedRows(url, jobId);
    return counts.job?.status === 'completed' ? counts : undefined;
  });
}

async function storedRows(url: string, jobId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*)::int AS rows, count(DISTINCT line)::int AS lines FROM log_entries WHERE job_id = $1',
      [jobId],
    );
    const job = await client.query(
      'SELECT status, valid_lines::int AS valid, entries_line::int AS "entriesLine" FROM jobs WHERE job_id = $1',
      [jobId],
    );
    return {
      ...(rows[0] as { rows: number; lines: number }),
      job: job.rows[0] as { status: string; valid: number; entriesLine: number },
    };
  } finally {
    await client.end();
  }
}

/** A payment log of `n` lines with one garbage line, as the kill and restart tests upload it. */
function paymentLog(n: number): string {
  const lines = Array.from({ length: n }, (_, i) => {
    const status = ['SUCCESS', 'FAILURE', 'INFO'][i % 3];
    return `2025-07-22T${String(i % 24).padStart(2, '0')}:15:00Z ${status} Svc${i % 11} user${i % 97} payment number ${i}`;
  });
  lines[Math.floor(n / 2)] = 'garbage';
  return `${lines.join('\n')}\n`;
}

describe('parsed entries in PostgreSQL, read through the reporter', () => {
  let f: PipelineFixture;
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('entries');
    f = await startPipeline(
      {},
      { reporter: true, env: { STORAGE_DIR: tempDir('evh-entries-'), DATABASE_URL: db.url } },
    );
  });
  after(async () => {
    await f?.close();
    await db?.drop();
  });

  test('the sample payment log: every valid line stored once, counts equal the summary, bad lines with reasons', async () => {
    const projectId = randomName('pglog');
    const jobId = await uploadFile(f, SAMPLE, { projectId, name: 'payments.log' });
    const job = await waitForJob(f, jobId);
    const entries = await allEntries(f, `/api/v1/jobs/${jobId}/entries?limit=100`);
    assert.equal(entries.length, job.progress.valid, 'one entry per valid line');

    const invalid = (await f.read(`/api/v1/jobs/${jobId}/invalid-lines?limit=1000`)).json;
    assert.equal(invalid.lines.length, job.progress.invalid);
    for (const l of invalid.lines) assert.ok(l.reason && l.message, `line ${l.line} has a reason`);
    // Together they are every line of the file, in order, each once.
    const lines = sampleText()
      .split('\n')
      .filter((l) => l.length > 0);
    assert.deepEqual(
      [...entries.map((e) => e.line), ...invalid.lines.map((l: { line: number }) => l.line)].sort(
        (a, b) => a - b,
      ),
      lines.map((_, i) => i + 1),
    );
    assert.deepEqual(
      entries.map((e) => e.line),
      [...entries.map((e) => e.line)].sort((a, b) => a - b),
      'oldest first is file order',
    );
    // Each entry is its line: the raw text has its status, service and message.
    for (const e of entries) {
      const raw = lines[e.line - 1] as string;
      assert.ok(
        raw.includes(e.level) && raw.endsWith(e.message),
        `line ${e.line}: ${raw} vs ${JSON.stringify(e)}`,
      );
    }

    const summary = (await f.read(`/api/v1/jobs/${jobId}/summary`)).json;
    const byStatus: Record<string, number> = {};
    for (const e of entries) byStatus[e.level] = (byStatus[e.level] ?? 0) + 1;
    assert.deepEqual(byStatus, summary.payment_statuses, 'counts per status from the entries = the summary');

    // Filters, full text and their pagination, against counts from the entries' own lines.
    const service = entries[0]?.service as string;
    const user = entries[0]?.user as string;
    const cases: [string, (e: Entry) => boolean][] = [
      ['level=FAILURE', (e) => e.level === 'FAILURE'],
      [
        `status=success,failure&service=${service}`,
        (e) => ['SUCCESS', 'FAILURE'].includes(e.level) && e.service === service,
      ],
      [`user=${user}`, (e) => e.user === user],
      [
        'from=2025-07-22T00:00:00Z&to=2025-07-23T00:00:00Z',
        (e) => e.timestamp?.startsWith('2025-07-22') === true,
      ],
      ['q=payment%20processed', (e) => words(e.message).has('payment') && words(e.message).has('processed')],
      [
        'q=service%20timeout&level=FAILURE',
        (e) => words(e.message).has('service') && words(e.message).has('timeout') && e.level === 'FAILURE',
      ],
    ];
    for (const [query, match] of cases) {
      const expected = entries.filter(match);
      assert.ok(expected.length > 0, `${query} matches some entries`);
      const got = await allEntries(f, `/api/v1/jobs/${jobId}/entries?${query}&limit=37&order=newest`);
      assert.deepEqual(
        got.map((e) => e.line),
        expected.map((e) => e.line).reverse(),
        `job entries ${query}`,
      );
      const project = await allEntries(f, `/v1/projects/${projectId}/logs?${query}&limit=41&order=oldest`);
      const timed = expected
        .filter((e) => e.timestamp !== null)
        .sort((a, b) => (a.timestamp as string).localeCompare(b.timestamp as string) || a.line - b.line);
      assert.deepEqual(
        project.map((e) => e.line),
        timed.map((e) => e.line),
        `project logs ${query}`,
      );
    }
    const stored = await rowCounts(db.url, jobId);
    // Once Redis's live state of the job is gone (expired), the reporter answers from the record.
    await f.redis.del(jobKeys.job(jobId));
    const recorded = (await f.read(`/api/v1/jobs/${jobId}`)).json;
    assert.deepEqual(
      {
        status: recorded.status,
        file: recorded.file_name,
        project: recorded.project_id,
        valid: recorded.progress.valid,
        invalid: recorded.progress.invalid,
        percent: recorded.progress.percent,
      },
      {
        status: 'completed',
        file: 'payments.log',
        project: projectId,
        valid: job.progress.valid,
        invalid: job.progress.invalid,
        percent: 100,
      },
    );
    assert.deepEqual(stored, {
      rows: job.progress.valid,
      lines: job.progress.valid,
      job: { status: 'completed', valid: job.progress.valid, entriesLine: lines.length },
    });
  });

  test('a .jsonl file: levels upper-cased, extra fields kept as jsonb, the bad lines with their reasons', async () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        timestamp: `2026-11-30T10:${String(i % 60).padStart(2, '0')}:00Z`,
        level: ['info', 'warn', 'error'][i % 3],
        service: `api-${i % 4}`,
        message: `request ${i} took ${i * 3} ms`,
        userId: i % 5 === 0 ? i : `u${i % 9}`,
        traceId: `t${i}`,
        amount: i / 4,
      }),
    );
    lines[10] = '{"timestamp": "2026-11-30T10:00:00Z", "level": "info"';
    lines[20] = JSON.stringify({ timestamp: '2026-11-30T10:00:00Z', level: 'info', message: 'no service' });
    lines[30] = JSON.stringify({ timestamp: 'yesterday', level: 'info', service: 'x', message: 'm' });
    const file = join(tempDir('evh-jsonl-'), 'events.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const jobId = await uploadFile(f, file);
    const job = await waitForJob(f, jobId);
    assert.equal(job.progress.valid, 297);
    const entries = await allEntries(f, `/api/v1/jobs/${jobId}/entries?limit=1000`);
    assert.equal(entries.length, 297);
    const e5 = entries.find((e) => e.line === 6);
    assert.deepEqual(
      { level: e5?.level, service: e5?.service, user: e5?.user, fields: e5?.fields },
      { level: 'ERROR', service: 'api-1', user: '5', fields: { traceId: 't5', amount: 1.25 } },
    );
    const invalid = (await f.read(`/api/v1/jobs/${jobId}/invalid-lines`)).json;
    assert.deepEqual(
      invalid.lines.map((l: { line: number; reason: string }) => [l.line, l.reason]),
      [
        [11, 'invalid_json'],
        [21, 'schema'],
        [31, 'bad_timestamp'],
      ],
    );
  });

  test('bad queries get a 400 that names the problem; an unknown job a 404', async () => {
    const jobId = await uploadFile(f, SAMPLE);
    await waitForJob(f, jobId);
    const bad: [string, RegExp][] = [
      [`/api/v1/jobs/${jobId}/entries?cursor=nonsense`, /cursor/],
      [`/api/v1/jobs/${jobId}/entries?limit=5000`, /limit/],
      [
        `/api/v1/jobs/${jobId}/entries?from=2025-07-23T00:00:00Z&to=2025-07-22T00:00:00Z`,
        /from must be before to/,
      ],
      [`/api/v1/jobs/${jobId}/entries?from=yesterday`, /from/],
      [`/api/v1/jobs/${jobId}/entries?order=sideways`, /order/],
      [`/api/v1/jobs/not-a-uuid/entries`, /job_id/],
    ];
    for (const [path, problem] of bad) {
      const res = await f.read(path);
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.json)}`);
      assert.match(String(res.json.message), problem, path);
    }
    // A job entries cursor (no time in it) given to the project's logs is refused, not looped on.
    const jobPage = (await f.read(`/api/v1/jobs/${jobId}/entries?limit=1`)).json;
    const crossed = await f.read(`/v1/projects/x/logs?cursor=${encodeURIComponent(jobPage.nextCursor)}`);
    assert.equal(crossed.status, 400, JSON.stringify(crossed.json));
    assert.match(String(crossed.json.message), /cursor/);
    const unknown = await f.read('/api/v1/jobs/00000000-0000-4000-8000-000000000000/entries');
    assert.equal(unknown.status, 404);
  });
});

describe('entries survive a worker killed mid-file and a PostgreSQL crash mid-job', () => {
  let f: PipelineFixture;
  let postgres: OwnServer;
  before(async () => {
    postgres = await ownPostgres();
    await postgres.start();
    // Slow lines and small chunks: the kill and the crash land mid-file.
    f = await startPipeline(
      { JOB_SIMULATED_LINE_DELAY_MS: '1', JOB_CHUNK_LINES: '100' },
      { reporter: true, env: { STORAGE_DIR: tempDir('evh-pgkill-'), DATABASE_URL: postgres.url } },
    );
  });
  after(async () => {
    await f?.close();
    await postgres?.stop();
  });

  const midFile = (jobId: string) =>
    waitFor('the worker to be mid-file', async () => {
      const job = (await f.read(`/api/v1/jobs/${jobId}`)).json;
      return job.progress.lines_read >= 500 && job.progress.lines_read < 2000;
    });

  test('a worker SIGKILLed mid-file leaves exactly one row per valid line', async () => {
    const file = join(tempDir('evh-pgkill-'), 'kill.log');
    writeFileSync(file, paymentLog(3000));
    const jobId = await uploadFile(f, file);
    await midFile(jobId);
    await f.consumer.stop('SIGKILL');
    await f.startConsumer();
    const job = await waitForJob(f, jobId, 'completed', 120_000);
    assert.equal(job.progress.valid, 2999);
    assert.deepEqual(await rowCounts(postgres.url, jobId), {
      rows: 2999,
      lines: 2999,
      job: { status: 'completed', valid: 2999, entriesLine: 3000 },
    });
  });

  test('PostgreSQL SIGKILLed mid-job and restarted: the job completes with every entry, none twice', async () => {
    const file = join(tempDir('evh-pgkill-'), 'crash.log');
    writeFileSync(file, paymentLog(3000));
    const jobId = await uploadFile(f, file);
    await midFile(jobId);
    await postgres.kill();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await postgres.start();
    const job = await waitForJob(f, jobId, 'completed', 120_000);
    assert.equal(job.progress.valid, 2999);
    assert.deepEqual(await rowCounts(postgres.url, jobId), {
      rows: 2999,
      lines: 2999,
      job: { status: 'completed', valid: 2999, entriesLine: 3000 },
    });
    const served = await allEntries(f, `/api/v1/jobs/${jobId}/entries?limit=1000`);
    assert.equal(served.length, 2999);
  });
});
