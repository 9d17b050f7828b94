// The event pipeline benchmark (make bench): the brief's load scenario, 50,000 events as 100
// batches of 500 from 20 concurrent senders over 5,000 users, timed until every event is
// processed and the consumer lag is 0; then single events posted concurrently, with latency.
import { consumerLag } from '@evh/kafka/kafkajs';
import { pipelineKeys } from '@evh/redis';
import { waitFor } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { benchStack, pidOf as pid } from './bench-stack.js';
import { cpuSeconds, peakRssMb, percentile } from './process-stats.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 500;
const SENDERS = 20;
const USERS = 5_000;
const SINGLE_REQUESTS = Number(process.env.BENCH_SINGLE_REQUESTS ?? 10_000);
const SINGLE_CONCURRENCY = 50;

async function main() {
  const stack = await benchStack();
  const { redis, admin, topic, group } = stack;
  const ingest = await stack.start('ingest');
  const consumer = await stack.start('consumer');
  const processed = async () => Number((await redis.hget(pipelineKeys.counters(), 'processed')) ?? 0);
  const lag = async () => (await consumerLag(admin, group, topic)).total;

  // --- the batch scenario ---
  const perUser = EVENTS / USERS;
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    userId: `bench-user-${i % USERS}`,
    type: 'bench',
    payload: { seq: Math.floor(i / USERS) + 1, n: i },
  }));
  const batches: (typeof events)[] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
  const cpu0 = { ingest: cpuSeconds(pid(ingest)), consumer: cpuSeconds(pid(consumer)) };
  const t0 = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const res = await fetch(`${ingest.url}/events/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: batch }),
        });
        const body = (await res.json()) as { results: { status: string }[] };
        refused += body.results.filter((r) => r.status !== 'accepted').length;
      }
    }),
  );
  const ingestedMs = performance.now() - t0;
  const accepted = EVENTS - refused;
  await waitFor(
    'every event processed and lag 0',
    async () => (await processed()) >= accepted && (await lag()) === 0,
    {
      timeoutMs: 300_000,
      intervalMs: 50,
    },
  );
  const totalMs = performance.now() - t0;
  const batchFigures = {
    accepted,
    ingestedS: ingestedMs / 1000,
    totalS: totalMs / 1000,
    rate: accepted / (totalMs / 1000),
    cpu: {
      ingest: cpuSeconds(pid(ingest)) - cpu0.ingest,
      consumer: cpuSeconds(pid(consumer)) - cpu0.consumer,
    },
    rss: { ingest: peakRssMb(pid(ingest)), consumer: peakRssMb(pid(consumer)) },
  };

  // --- single events, concurrent POST /events ---
  const latencies: number[] = [];
  let sent = 0;
  let singleRefused = 0;
  const s0 = performance.now();
  await Promise.all(
    Array.from({ length: SINGLE_CONCURRENCY }, async () => {
      while (sent < SINGLE_REQUESTS) {
        const i = sent++;
        const started = performance.now();
        const res = await fetch(`${ingest.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: `single-user-${i % USERS}`, type: 'single', payload: { n: i } }),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - started);
        if (res.status !== 202) singleRefused++;
      }
    }),
  );
  const singleS = (performance.now() - s0) / 1000;
  latencies.sort((a, b) => a - b);
  await waitFor('single events processed', async () => (await lag()) === 0, { timeoutMs: 120_000 });

  const report = `
## Event pipeline (issue 3)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · Kafka 3.9 (one broker), Redis 7, one ingest and one consumer process, all on this machine.

**Batch scenario**: ${EVENTS.toLocaleString('en')} events as ${batches.length} batches of ${BATCH} from ${SENDERS} concurrent senders over ${USERS.toLocaleString('en')} users (${perUser} seq-ordered events each).

| figure | value |
|---|---|
| accepted | ${batchFigures.accepted.toLocaleString('en')} |
| all batches acknowledged (202) after | ${batchFigures.ingestedS.toFixed(2)} s |
| **all processed and consumer lag 0 after** | **${batchFigures.totalS.toFixed(2)} s** (brief: 30 s; our bar: 10 s) |
| end-to-end throughput | ${Math.round(batchFigures.rate).toLocaleString('en')} events/s |
| ingest CPU / peak RSS | ${batchFigures.cpu.ingest.toFixed(1)} CPU-s / ${batchFigures.rss.ingest} MB |
| consumer CPU / peak RSS | ${batchFigures.cpu.consumer.toFixed(1)} CPU-s / ${batchFigures.rss.consumer} MB |

**Single events**: ${SINGLE_REQUESTS.toLocaleString('en')} \`POST /events\`, ${SINGLE_CONCURRENCY} in flight, over ${USERS.toLocaleString('en')} users.

| figure | value |
|---|---|
| requests/s | ${Math.round(SINGLE_REQUESTS / singleS).toLocaleString('en')} |
| latency p50 / p99 | ${percentile(latencies, 50).toFixed(1)} ms / ${percentile(latencies, 99).toFixed(1)} ms |
| not accepted | ${singleRefused} |

Reproduce: \`make bench\` (or \`BENCH=pipeline make bench\`).
`;
  writeSection('docs/benchmarks.md', 'pipeline', report);
  process.stdout.write(report);

  await stack.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
