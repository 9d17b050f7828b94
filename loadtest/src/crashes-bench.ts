// Crash throughput (make bench): crashes posted to the ingest, timed until the consumer has
// applied them all, with seed 000's simulated slow database (10-1000 ms per crash) at
// consumer concurrency 1, 16 and 64, and without simulated work.
import { crashKeys } from '@evh/redis';
import { waitFor } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { benchStack } from './bench-stack.js';

interface Run {
  work: string;
  concurrency: number;
  crashes: number;
}

const runs: Run[] = [
  { work: '10-1000', concurrency: 1, crashes: 12 },
  { work: '10-1000', concurrency: 16, crashes: 160 },
  { work: '10-1000', concurrency: 64, crashes: 640 },
  { work: '0', concurrency: 64, crashes: Number(process.env.BENCH_CRASHES ?? 20_000) },
];

async function measure(run: Run): Promise<{ seconds: number; rate: number }> {
  const stack = await benchStack();
  const { redis } = stack;
  const ingest = await stack.start('ingest');
  await stack.start('consumer', {
    CONSUMER_CONCURRENCY: String(run.concurrency),
    CRASH_SIMULATED_WORK_MS: run.work,
  });
  const projectId = 'bench';
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < run.crashes) {
        const i = next++;
        const res = await fetch(`${ingest.url}/v1/crashes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            projectId,
            severity: ['error', 'warning', 'info'][i % 3],
            message: `Timeout talking to service ${i % 50} after ${i} ms`,
            stacktrace: [{ file: `svc${i % 50}.ts`, method: 'call', line: i }],
            metadata: { subscription: { level: i % 2 ? 'pro plan' : 'free' } },
          }),
        });
        if (res.status !== 202) throw new Error(`crash answered ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  await waitFor(
    'every crash applied',
    async () => Number((await redis.hget(crashKeys.stats(projectId), 'total')) ?? 0) >= run.crashes,
    { timeoutMs: 600_000, intervalMs: 50 },
  );
  const seconds = (performance.now() - t0) / 1000;
  await stack.close();
  return { seconds, rate: run.crashes / seconds };
}

async function main() {
  const rows: string[] = [];
  for (const run of runs) {
    const { seconds, rate } = await measure(run);
    const line = `| ${run.work === '0' ? 'none' : `${run.work} ms`} | ${run.concurrency} | ${run.crashes.toLocaleString('en')} | ${seconds.toFixed(2)} s | ${rate.toFixed(1)} crashes/s |`;
    process.stdout.write(`${line}\n`);
    rows.push(line);
  }
  writeSection(
    'docs/benchmarks.md',
    'crashes',
    `
## Crash throughput (issue 4)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · one ingest and one consumer process; Kafka and Redis on the same machine. Crashes of one project, 50 fingerprints, posted by 32 concurrent clients; timed from the first post until the project's stats count every crash.

| simulated work per crash | CONSUMER_CONCURRENCY | crashes | time | throughput |
|---|---|---|---|---|
${rows.join('\n')}

With a slow store (seed 000's 10–1000 ms, 505 ms on average) a consumer is bound by how many crashes it waits on at once: throughput grows with the concurrency setting (ideal: concurrency ÷ 0.505 s). Without simulated work the figure is the pipeline's own cost per crash (grouping, counters, index: one Lua script).

Reproduce: \`BENCH=crashes make bench\`.
`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
