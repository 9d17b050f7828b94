// Fairness between projects (make bench): project B sends crashes at a steady low rate, alone
// and then while project A floods the ingest at 20× its quota. B's time from accepted to
// processed is compared between the two runs; A's accepted rate is compared with its quota.
// Quotas are written to Redis by hand, the documented way without a Kubernetes API.
import { setTimeout as sleep } from 'node:timers/promises';
import { quotaKeys, serializeQuota } from '@evh/quota';
import { crashKeys, pipelineKeys } from '@evh/redis';
import { waitFor } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { type BenchStack, benchStack } from './bench-stack.js';
import { percentile } from './process-stats.js';

const QUOTA = 100; // events/s for each project
const B_RATE = 20; // B's steady rate, events/s
const SECONDS = 10;
const A_SENDERS = 40;

function crash(projectId: string, i: number) {
  return JSON.stringify({
    projectId,
    severity: 'error',
    message: `Checkout failed for cart ${i}`,
    stacktrace: [{ file: 'checkout.ts', method: 'pay', line: i % 100 }],
  });
}

async function post(url: string, body: string): Promise<{ status: number; eventId?: string }> {
  const res = await fetch(`${url}/v1/crashes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const json = (await res.json()) as { eventId?: string };
  return { status: res.status, eventId: json.eventId };
}

/** B's steady sender: one crash every 1/B_RATE s; returns the accepted event ids. */
async function sendB(url: string, projectId: string): Promise<string[]> {
  const ids: string[] = [];
  const start = performance.now();
  for (let i = 0; i < B_RATE * SECONDS; i++) {
    const due = start + (i * 1000) / B_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const r = await post(url, crash(projectId, i));
    if (r.status === 202 && r.eventId) ids.push(r.eventId);
  }
  return ids;
}

/** A's flood: as fast as A_SENDERS clients can post, for SECONDS. */
async function floodA(url: string, projectId: string) {
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: A_SENDERS }, async () => {
      while (performance.now() < end) {
        const r = await post(url, crash(projectId, sent++));
        if (r.status === 202) accepted++;
        else if (r.status === 429) refused++;
      }
    }),
  );
  return { sent, accepted, refused };
}

/** Milliseconds from the ingest's acceptance to the consumer's final state, per event. */
async function latencies(stack: BenchStack, projectId: string, ids: string[]): Promise<number[]> {
  await waitFor(
    `${ids.length} crashes of ${projectId} processed`,
    async () => {
      const p = stack.redis.pipeline();
      for (const id of ids) p.exists(pipelineKeys.event(id));
      const rows = (await p.exec()) ?? [];
      return rows.every(([, v]) => v === 1);
    },
    { timeoutMs: 300_000, intervalMs: 200 },
  );
  const p = stack.redis.pipeline();
  for (const id of ids) {
    p.hget(pipelineKeys.event(id), 'processedAt');
    p.hget(crashKeys.event(projectId, id), 'receivedAt');
  }
  const rows = ((await p.exec()) ?? []).map(([, v]) => Number(v));
  const out: number[] = [];
  for (let i = 0; i < rows.length; i += 2) out.push((rows[i] ?? 0) - (rows[i + 1] ?? 0));
  return out.sort((a, b) => a - b);
}

async function main() {
  const stack = await benchStack({ QUOTA_REFRESH_MS: '200' });
  const a = 'project-a';
  const b = 'project-b';
  const quota = (source: string) =>
    serializeQuota({ eventsPerSecond: QUOTA, burst: QUOTA, weight: 1, mode: 'enforce', source });
  await stack.redis.hset(quotaKeys.effective(), a, quota('bench'), b, quota('bench'));
  await stack.redis.incr(quotaKeys.version());
  const ingest = await stack.start('ingest');
  // A consumer with room for ~4× one project's quota: 8 at a time, 20 ms of work per crash.
  await stack.start('consumer', { CONSUMER_CONCURRENCY: '8', CRASH_SIMULATED_WORK_MS: '20' });

  const alone = await latencies(stack, b, await sendB(ingest.url, b));
  const [flooded, flood] = await Promise.all([sendB(ingest.url, b), floodA(ingest.url, a)]);
  const withFlood = await latencies(stack, b, flooded);

  const row = (name: string, l: number[]) =>
    `| ${name} | ${l.length} | ${percentile(l, 50).toFixed(0)} ms | ${percentile(l, 99).toFixed(0)} ms |`;
  const p50ratio = percentile(withFlood, 50) / percentile(alone, 50);
  const p99ratio = percentile(withFlood, 99) / percentile(alone, 99);
  const body = `
## Fairness between projects (issue 6)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · one ingest, one consumer (\`CONSUMER_CONCURRENCY=8\`, 20 ms simulated work per crash), Kafka and Redis on this machine. Both projects have a quota of ${QUOTA} events/s (burst ${QUOTA}, weight 1). B posts ${B_RATE} crashes/s for ${SECONDS} s, first alone, then while A floods with ${A_SENDERS} concurrent clients.

| B, accepted → processed | crashes | p50 | p99 |
|---|---|---|---|
${row('alone', alone)}
${row(`with A's flood`, withFlood)}

| figure | value |
|---|---|
| B with flood ÷ B alone | p50 ${p50ratio.toFixed(2)}×, p99 ${p99ratio.toFixed(2)}× (goal: within 1.2×) |
| A attempted | ${flood.sent.toLocaleString('en')} crashes in ${SECONDS} s (${Math.round(flood.sent / SECONDS)}/s, ${(flood.sent / SECONDS / QUOTA).toFixed(1)}× its quota) |
| A accepted | ${flood.accepted.toLocaleString('en')} (${(flood.accepted / SECONDS).toFixed(0)}/s against a quota of ${QUOTA}/s + burst ${QUOTA}); ${flood.refused.toLocaleString('en')} refused with 429 |

Admission is what keeps B whole: A's excess never reaches Kafka, so the consumer's fair share by weight only has to split what both quotas admit. The flood's cost to B that remains is the ingest's CPU spent refusing A on the same two cores. Reproduce: \`BENCH=fairness make bench\`.
`;
  writeSection('docs/benchmarks.md', 'fairness', body);
  process.stdout.write(body);
  await stack.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
