// Upload job throughput (make bench): a generated .jsonl file (BENCH_JSONL_BYTES, default
// 1 GiB) streamed to the ingest, read by the job worker in chunks and applied chunk by chunk
// by the consumer, timed until the job completes, with its phases (upload, read, the last
// chunks' apply); peak RSS of the ingest and the consumer, Redis memory before and after,
// CPU seconds of each process (which one was saturated).

import { once } from 'node:events';
import { createWriteStream, openAsBlob, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jobKeys, type Redis } from '@evh/redis';
import { tempDir, waitFor } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { benchStack, pidOf as pid } from './bench-stack.js';
import { cpuSeconds, peakRssMb } from './process-stats.js';

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

async function main() {
  const dir = tempDir('evh-jobs-bench-');
  const file = join(dir, 'bench.jsonl');
  process.stdout.write(`generating ${(BYTES / 1024 ** 2).toFixed(0)} MB of .jsonl …\n`);
  const lines = await generate(file, BYTES);
  const size = statSync(file).size;

  const stack = await benchStack({
    STORAGE_DIR: join(dir, 'store'),
    MAX_UPLOAD_BYTES: String(2 * 1024 ** 3),
    NODE_OPTIONS,
  });
  const ingest = await stack.start('ingest');
  const consumer = await stack.start('consumer');
  const reporter = await stack.start('reporter');

  const redisBefore = await redisInfo(stack.redis, 'used_memory');
  const redisCpu = async () =>
    (await redisInfo(stack.redis, 'used_cpu_user')) + (await redisInfo(stack.redis, 'used_cpu_sys'));
  const cpuBefore = {
    ingest: cpuSeconds(pid(ingest)),
    consumer: cpuSeconds(pid(consumer)),
    redis: await redisCpu(),
  };
  const t0 = performance.now();
  const form = new FormData();
  form.append('file', await openAsBlob(file), 'bench.jsonl');
  const res = await fetch(`${ingest.url}/api/v1/files/upload`, { method: 'POST', body: form });
  const { job_id: jobId } = (await res.json()) as { job_id: string };
  if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
  const uploadS = (performance.now() - t0) / 1000;
  process.stdout.write(`uploaded in ${uploadS.toFixed(1)} s; job ${jobId}\n`);
  let last = 0;
  const job = await waitFor(
    'the job to complete',
    async () => {
      const j = (await (await fetch(`${reporter.url}/api/v1/jobs/${jobId}`)).json()) as {
        status: string;
        progress: { percent: number; processed: number; valid: number };
      };
      if (j.status === 'failed') throw new Error('job failed');
      if (j.progress.percent >= last + 10) {
        last = j.progress.percent;
        process.stdout.write(`  ${j.progress.percent}% (${j.progress.processed} processed)\n`);
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
  };
  const redisAfter = await redisInfo(stack.redis, 'used_memory');
  // The phases from the job's own timestamps (ms): the worker's start, the end of its read.
  const times = await stack.redis.hmget(jobKeys.job(jobId), 'createdAt', 'startedAt', 'readAt', 'finishedAt');
  const [created, started, readAt, finished] = times.map(Number) as [number, number, number, number];
  const readS = (readAt - started) / 1000;
  const keys = await stack.redis.dbsize();
  const body = `
## Upload jobs (issue 5; in chunks since issue 11)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · ingest, consumer (job worker and event processing in one process) and reporter with \`NODE_OPTIONS=${NODE_OPTIONS}\`; Kafka, Redis and the local object store on the same machine.

| figure | value |
|---|---|
| file | ${(size / 1024 ** 2).toFixed(0)} MB .jsonl, ${lines.toLocaleString('en')} lines |
| upload (streamed to storage, 202) | ${uploadS.toFixed(1)} s |
| queued until the worker started | ${((started - created) / 1000).toFixed(1)} s after the job was recorded |
| read by the job worker (parse, count, produce and checkpoint each chunk) | ${readS.toFixed(1)} s, ${Math.round(lines / readS).toLocaleString('en')} lines/s |
| last chunks applied after the read | ${((finished - readAt) / 1000).toFixed(1)} s |
| **upload until completed** (every chunk applied by the consumer) | **${totalS.toFixed(1)} s** |
| throughput end to end | ${Math.round(job.progress.valid / totalS).toLocaleString('en')} lines/s, ${(size / 1024 ** 2 / totalS).toFixed(1)} MB/s |
| CPU seconds ingest / consumer / Redis | ${cpu.ingest.toFixed(1)} / ${cpu.consumer.toFixed(1)} / ${cpu.redis.toFixed(1)} |
| Redis \`used_memory\` before → after | ${mb(redisBefore)} MB → ${mb(redisAfter)} MB (+${mb(redisAfter - redisBefore)} MB; bar: 100 MB) |
| Redis keys after (the whole server) | ${keys.toLocaleString('en')} |
| peak RSS ingest / consumer | ${rss.ingest} MB / ${rss.consumer} MB (bar: 300 MB each) |

The job worker counts each chunk's lines itself (\`JOB_CHUNK_LINES\` 5,000 or \`JOB_CHUNK_BYTES\` 1 MiB, whichever comes first) and produces one \`log.chunk\` event per chunk, so the pipeline's cost (idempotency marker, final state, one analytics merge) is per chunk, and the read phase is the file reader's own speed, which the analyzer's parse and checks dominate. Reproduce: \`BENCH=jobs make bench\` (\`BENCH_JSONL_BYTES\` to change the size).
`;
  writeSection('docs/benchmarks.md', 'jobs', body);
  process.stdout.write(body);
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
