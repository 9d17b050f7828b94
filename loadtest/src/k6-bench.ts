// Single-event latency measured by k6 (make bench): k6 is a Go program, so the load
// generator costs far less CPU than a Node client would on this 2-core machine, and the
// figures say more about the ingest itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, tempDir } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { benchStack, pidOf } from './bench-stack.js';
import { cpuSeconds, peakRssMb } from './process-stats.js';

const REQUESTS = Number(process.env.BENCH_SINGLE_REQUESTS ?? 20_000);
const VUS = 50;

async function main() {
  const k6 = join(process.env.EVH_CACHE ?? join(homedir(), '.cache/event-horizon'), 'tools/bin/k6');
  const stack = await benchStack();
  const ingest = await stack.start('ingest');
  const pid = pidOf(ingest);
  const summaryFile = join(tempDir('evh-k6-'), 'summary.json');
  const cpu0 = cpuSeconds(pid);
  const run = spawnSync(
    k6,
    ['run', '--quiet', '--summary-export', summaryFile, join(repoRoot, 'loadtest/k6/single-events.js')],
    {
      env: {
        ...process.env,
        K6_NO_USAGE_REPORT: 'true',
        INGEST_URL: ingest.url,
        REQUESTS: String(REQUESTS),
        VUS: String(VUS),
      },
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`k6 failed (${run.status}): ${run.stderr || run.stdout}`);
  const cpu = cpuSeconds(pid) - cpu0;
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
    metrics: Record<string, Record<string, number>>;
  };
  const duration = summary.metrics.http_req_duration ?? {};
  const reqs = summary.metrics.http_reqs ?? {};
  const body = `
## Single events with k6 (issue 3)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · one ingest process; Kafka and Redis on the same machine; k6 ${VUS} virtual users, ${REQUESTS.toLocaleString('en')} \`POST /events\` over 5,000 users (\`loadtest/k6/single-events.js\`).

| figure | value |
|---|---|
| requests/s | ${Math.round(reqs.rate ?? 0).toLocaleString('en')} |
| latency p50 / p99 / max | ${(duration.med ?? 0).toFixed(1)} ms / ${(duration['p(99)'] ?? 0).toFixed(1)} ms / ${(duration.max ?? 0).toFixed(1)} ms |
| accepted (checks) | ${((summary.metrics.checks?.value ?? 0) * 100).toFixed(2)} % |
| ingest CPU per request / peak RSS | ${((cpu / REQUESTS) * 1e6).toFixed(0)} µs / ${peakRssMb(pid)} MB |

Each 202 waits for Kafka's acknowledgement (acks=all); a write behind a batch in flight goes when that batch is acknowledged or at the ${3} ms linger, whichever is first, and with nothing in flight at once (ADR 0022); the rate-limit decision is one Lua call. Reproduce: \`BENCH=k6 make bench\` (needs \`make tools\` for k6).
`;
  writeSection('docs/benchmarks.md', 'k6', body);
  process.stdout.write(body);
  await stack.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
