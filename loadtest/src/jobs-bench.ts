// Upload job throughput (make bench): a generated .jsonl file (BENCH_JSONL_BYTES, default
// 1 GiB) streamed to the ingest, read by the job worker in chunks and applied chunk by chunk
// by the consumer, timed until the job completes, with its phases (upload, read, the last
// chunks' apply); peak RSS of the ingest and the consumer, Redis memory before and after,
// CPU seconds of each process (which one was saturated). Twice in the same run: without the
// entries (JOB_STORE_ENTRIES=false, the analytics only: the baseline) and with every entry
// committed to PostgreSQL, then the filtered query over those rows.

import { once } from 'node:events';
import { createWriteStream, openAsBlob, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jobKeys, type Redis } from '@evh/redis';
import { createTestDatabase, tempDir, waitFor } from '@evh/testing';
import pg from 'pg';
import { machineLine, writeSection } from './bench-report.js';
import { benchStack, pidOf as pid } from './bench-stack.js';
import { cpuSeconds, peakRssMb, percentile, treeCpuSeconds } from './process-stats.js';

const BYTES = Number(process.env.BENCH_JSONL_BYTES ?? 1024 ** 3);
/** The memory settings the chart gives the services (see charts/ and docs). */
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? '--max-old-space-size=192';

/** A deterministic PRNG, so every run uploads the same file. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function generate(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  const rnd = prng(42);
  const statuses = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILURE', 'INFO', 'WARN'];
  let written = 0;
  let lines = 0;
  let chunk = '';
  while (written < bytes) {
    const t = Date.UTC(2025, 6, 21) + Math.floor(rnd() * 2 * 86_400_000);
    const line = `${JSON.stringify({
      timestamp: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      status: statuses[Math.floor(rnd() * statuses.length)],
      service: `Service${Math.floor(rnd() * 40)}`,
      userId: `user${Math.floor(rnd() * 5000)}`,
      message: 'Payment processed for order',
      amount: Math.round(rnd() * 100_000) / 100,
    })}\n`;
    chunk += line;
    written += line.length;
    lines++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return lines;
}

/** A numeric field of Redis INFO (used_memory, used_cpu_user, …). */
async function redisInfo(redis: Redis, field: string): Promise<number> {
  const info = await redis.info();
  return Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
}

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

interface RunResult {
  uploadS: number;
  queuedS: number;
  readS: number;
  applyS: number;
  totalS: number;
  valid: number;
  cpu: { ingest: number; consumer: number; redis: number; postgres: number };
  rss: { ingest: number; consumer: number };
  redisDelta: number;
  jobId: string;
  projectId: string;
  reporterUrl: string;
  close(): Promise<void>;
}

/** The postmaster of make bench's PostgreSQL (tests/infra/postgres.sh writes its pid file). */
function postmasterPid(): number | undefined {
  try {
    return (
      Number(readFileSync(join(process.env.BENCH_RUN_DIR ?? '', 'postgres.pid'), 'utf8').trim()) || undefined
    );
  } catch {
    return undefined;
  }
}

/** One upload of `file` through a stack of its own; the stack stays up for the queries until close(). */
async function uploadRun(
  file: string,
  dir: string,
  label: string,
  env: Record<string, string>,
): Promise<RunResult> {
  const stack = await benchStack({
    STORAGE_DIR: join(dir, `store-${label}`),
    MAX_UPLOAD_BYTES: String(2 * 1024 ** 3),
    NODE_OPTIONS,
    ...env,
  });
  const ingest = await stack.start('ingest');
  const consumer = await stack.start('consumer');
  const reporter = await stack.start('reporter');
  const postgres = postmasterPid();
  const pgCpu = () => (postgres ? treeCpuSeconds(postgres) : 0);

  const redisBefore = await redisInfo(stack.redis, 'used_memory');
  const redisCpu = async () =>
    (await redisInfo(stack.redis, 'used_cpu_user')) + (await redisInfo(stack.redis, 'used_cpu_sys'));
  const cpuBefore = {
    ingest: cpuSeconds(pid(ingest)),
    consumer: cpuSeconds(pid(consumer)),
    redis: await redisCpu(),
    postgres: pgCpu(),
  };
  const projectId = `bench-${label}`;
  const t0 = performance.now();
  const form = new FormData();
  form.append('projectId', projectId);
  form.append('file', await openAsBlob(file), 'bench.jsonl');
  const res = await fetch(`${ingest.url}/api/v1/files/upload`, { method: 'POST', body: form });
  const { job_id: jobId } = (await res.json()) as { job_id: string };
  if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
  const uploadS = (performance.now() - t0) / 1000;
  process.stdout.write(`[${label}] uploaded in ${uploadS.toFixed(1)} s; job ${jobId}\n`);
  let last = 0;
  const job = await waitFor(
    'the job to complete',
    async () => {
      const j = (await (await fetch(`${reporter.url}/api/v1/jobs/${jobId}`)).json()) as {
        status: string;
        error?: string;
        progress: { percent: number; processed: number; valid: number };
      };
      if (j.status === 'failed') throw new Error(`job failed: ${j.error}`);
      if (j.progress.percent >= last + 10) {
        last = j.progress.percent;
        process.stdout.write(`  [${label}] ${j.progress.percent}% (${j.progress.processed} processed)\n`);
      }
      return j.status === 'completed' ? j : undefined;
    },
    { timeoutMs: 4 * 3600_000, intervalMs: 1000 },
  );
  const totalS = (performance.now() - t0) / 1000;
  const rss = { ingest: peakRssMb(pid(ingest)), consumer: peakRssMb(pid(consumer)) };
  const cpu = {
    ingest: cpuSeconds(pid(ingest)) - cpuBefore.ingest,
    consumer: cpuSeconds(pid(consumer)) - cpuBefore.consumer,
    redis: (await redisCpu()) - cpuBefore.redis,
    postgres: pgCpu() - cpuBefore.postgres,
  };
  const redisAfter = await redisInfo(stack.redis, 'used_memory');
  // The phases from the job's own timestamps (ms): the worker's start, the end of its read.
  const times = await stack.redis.hmget(jobKeys.job(jobId), 'createdAt', 'startedAt', 'readAt', 'finishedAt');
  const [created, started, readAt, finished] = times.map(Number) as [number, number, number, number];
  return {
    uploadS,
    queuedS: (started - created) / 1000,
    readS: (readAt - started) / 1000,
    applyS: (finished - readAt) / 1000,
    totalS,
    valid: job.progress.valid,
    cpu,
    rss,
    redisDelta: redisAfter - redisBefore,
    jobId,
    projectId,
    reporterUrl: reporter.url,
    close: () => stack.close(),
  };
}

/** The filtered query of issue 19 (level + service + a day) through the reporter, timed. */
async function queryTimes(run: RunResult): Promise<{ medianMs: number; p95Ms: number; rows: number[] }> {
  const ms: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < 30; i++) {
    const day = i % 2 === 0 ? '2025-07-21' : '2025-07-22';
    const path = `/v1/projects/${run.projectId}/logs?level=FAILURE&service=Service${i % 40}&from=${day}T00:00:00Z&to=${day}T23:59:59.999Z&limit=100`;
    const t = performance.now();
    const res = await fetch(`${run.reporterUrl}${path}`);
    const body = (await res.json()) as { entries?: unknown[] };
    ms.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    rows.push(body.entries?.length ?? 0);
  }
  // The first ones warm the cache: the figure is the steady state.
  const steady = ms.slice(5).sort((a, b) => a - b);
  return { medianMs: percentile(steady, 50), p95Ms: percentile(steady, 95), rows };
}

async function dbFigures(url: string, jobId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM log_entries WHERE job_id = $1)::bigint AS rows,
              (SELECT count(DISTINCT line) FROM log_entries WHERE job_id = $1)::bigint AS lines,
              pg_database_size(current_database())::bigint AS bytes`,
      [jobId],
    );
    const r = rows[0] as { rows: string; lines: string; bytes: string };
    return { rows: Number(r.rows), lines: Number(r.lines), bytes: Number(r.bytes) };
  } finally {
    await client.end();
  }
}

async function main() {
  const dir = tempDir('evh-jobs-bench-');
  const file = join(dir, 'bench.jsonl');
  process.stdout.write(`generating ${(BYTES / 1024 ** 2).toFixed(0)} MB of .jsonl …\n`);
  const lines = await generate(file, BYTES);
  const size = statSync(file).size;

  const plain = await uploadRun(file, dir, 'analytics', { JOB_STORE_ENTRIES: 'false' });
  await plain.close();
  const db = await createTestDatabase('bench_entries');
  const kept = await uploadRun(file, dir, 'entries', { DATABASE_URL: db.url });
  const stored = await dbFigures(db.url, kept.jobId);
  if (stored.rows !== kept.valid || stored.lines !== kept.valid)
    throw new Error(
      `postgres holds ${stored.rows} rows (${stored.lines} lines) for ${kept.valid} valid lines`,
    );
  const query = await queryTimes(kept);
  await kept.close();
  await db.drop();

  const row = (name: string, f: (r: RunResult) => string) => `| ${name} | ${f(plain)} | ${f(kept)} |`;
  const body = `
## Upload jobs (issue 5; in chunks since issue 11; entries in PostgreSQL since issue 19)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · ingest, consumer (job worker and event processing in one process) and reporter with \`NODE_OPTIONS=${NODE_OPTIONS}\`; Kafka, Redis, PostgreSQL 15 and the local object store on the same machine. The same ${(size / 1024 ** 2).toFixed(0)} MB .jsonl file (${lines.toLocaleString('en')} lines) uploaded twice in this run: first with \`JOB_STORE_ENTRIES=false\` (the analytics only, the baseline), then with every entry committed to PostgreSQL.

| figure | analytics only | with entries in PostgreSQL |
|---|---|---|
${row('upload (streamed to storage, 202)', (r) => `${r.uploadS.toFixed(1)} s`)}
${row('queued until the worker started', (r) => `${r.queuedS.toFixed(1)} s`)}
${row('read by the job worker (parse, count, produce, COPY, checkpoint each chunk)', (r) => `${r.readS.toFixed(1)} s, ${Math.round(lines / r.readS).toLocaleString('en')} lines/s`)}
${row('last chunks applied after the read', (r) => `${r.applyS.toFixed(1)} s`)}
${row('**upload until completed**', (r) => `**${r.totalS.toFixed(1)} s**`)}
${row('rows/s end to end', (r) => `${Math.round(r.valid / r.totalS).toLocaleString('en')}`)}
${row('CPU seconds ingest / consumer / Redis / PostgreSQL', (r) => `${r.cpu.ingest.toFixed(1)} / ${r.cpu.consumer.toFixed(1)} / ${r.cpu.redis.toFixed(1)} / ${r.cpu.postgres.toFixed(1)}`)}
${row('Redis `used_memory` growth', (r) => `+${mb(r.redisDelta)} MB`)}
${row('peak RSS ingest / consumer', (r) => `${r.rss.ingest} MB / ${r.rss.consumer} MB`)}

- **Ratio: with entries ${(kept.totalS / plain.totalS).toFixed(2)}× the time of the analytics alone** (target for the persisted run: ≤ 120 s for 1 GiB${size >= 1024 ** 3 ? '' : '; this run used a smaller file'}).
- Where the time goes: with entries, the processes used ${(kept.cpu.ingest + kept.cpu.consumer + kept.cpu.redis + kept.cpu.postgres).toFixed(0)} CPU seconds of the ${(2 * kept.totalS).toFixed(0)} the two cores had; PostgreSQL's COPY backend alone ${kept.cpu.postgres.toFixed(1)} s (${((kept.cpu.postgres / kept.valid) * 1e6).toFixed(1)} µs a row, busy ${((100 * kept.cpu.postgres) / kept.totalS).toFixed(0)} % of the run), the consumer ${(((kept.cpu.consumer - plain.cpu.consumer) / kept.valid) * 1e6).toFixed(1)} µs a row more than without entries (building the COPY rows).
- PostgreSQL after the run: ${stored.rows.toLocaleString('en')} rows for ${kept.valid.toLocaleString('en')} valid lines (${stored.lines.toLocaleString('en')} distinct), database ${mb(stored.bytes)} MB on disk (heap and four indexes, see ADR 0012).
- The filtered query (\`GET /v1/projects/:id/logs?level=FAILURE&service=…&from=<day>&to=<day end>&limit=100\`, through the reporter, 25 queries after 5 to warm up): **median ${query.medianMs.toFixed(1)} ms**, p95 ${query.p95Ms.toFixed(1)} ms (target ≤ 100 ms); pages of ${Math.min(...query.rows)}–${Math.max(...query.rows)} rows.

The job worker counts each chunk's lines itself (\`JOB_CHUNK_LINES\` 5,000 or \`JOB_CHUNK_BYTES\` 1 MiB, whichever comes first), produces one \`log.chunk\` event per chunk and COPYs the chunk's entries into the day's partition in one transaction with the job's \`entries_line\`, while it reads the next chunk. Reproduce: \`BENCH=jobs make bench\` (\`BENCH_JSONL_BYTES\` to change the size).
`;
  writeSection('docs/benchmarks.md', 'jobs', body);
  process.stdout.write(body);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
