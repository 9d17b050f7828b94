// The consumer drain benchmark (issue 11, make bench): 100,000 events produced straight to
// Kafka, then drained by ours, by a straightforward baseline and by kafkajs alone (the
// ceiling), each a process of its own on an identical copy of the data, rounds interleaved.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createKafka, Partitioners } from '@evh/kafka/kafkajs';
import { createLogger } from '@evh/lifecycle';
import { repoRoot, testEnv } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { type ProfileSummary, profileTable } from './drain-cpu-profile.js';
import { type DrainMessage, drainMessages, eventsPerUser } from './drain-messages.js';
import { drainReport } from './drain-report.js';
import { type DrainKind, type DrainRunResult, measureDrain } from './drain-run.js';

const EVENTS = Number(process.env.DRAIN_EVENTS ?? 100_000);
const USERS = Number(process.env.DRAIN_USERS ?? 5_000);
const RUNS = Number(process.env.DRAIN_RUNS ?? 3);
const PROFILE = process.env.DRAIN_PROFILE === '1';
const TIMEOUT_MS = Number(process.env.DRAIN_TIMEOUT_S ?? 300) * 1000;
/** One produce request at a time keeps each user's events in order on its partition. */
const PRODUCE_CHUNK = 5_000;
const KINDS: DrainKind[] = ['ours', 'baseline', 'raw'];

function line(r: DrainRunResult): string {
  const extra = r.finalizedS === undefined ? '' : `, all processed after ${r.finalizedS.toFixed(2)} s`;
  const order = r.order
    ? `, order missing/dup/wrong ${r.order.missing}/${r.order.duplicated}/${r.order.outOfOrder}`
    : '';
  return (
    `round ${r.round} ${r.kind.padEnd(8)} ${r.drainS.toFixed(2)} s from join (${Math.round(r.rate)} events/s; ` +
    `join after ${r.joinS.toFixed(2)} s${extra}), RSS ${r.rssMb} MB, CPU ${r.cpuS.toFixed(1)} s, ` +
    `Redis CPU ${r.redisCpuS.toFixed(1)} s${order}\n`
  );
}

function checkSettings(): void {
  for (const [name, v] of Object.entries({ DRAIN_EVENTS: EVENTS, DRAIN_USERS: USERS, DRAIN_RUNS: RUNS })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer (got ${v})`);
  }
  const consumer = join(repoRoot, 'services/consumer/dist/src/main.js');
  if (!existsSync(consumer)) throw new Error(`${consumer} is missing: build first (make build)`);
}

async function main() {
  checkSettings();
  const infra = testEnv();
  const kafka = createKafka({
    clientId: 'drain-bench',
    brokers: infra.kafkaBrokers,
    logger: createLogger('drain-bench', 'silent'),
  });
  const produce = async (topic: string, messages: DrainMessage[]) => {
    // As the ingest's producer: the default (murmur2) partitioner, so a user lands where the
    // ingest would put it, and on the same partition in every copy. A producer per topic:
    // kafkajs keeps refreshing the metadata of every topic it ever wrote to, and the runs'
    // topics are deleted after them.
    // Idempotent, unlike the ingest's: a send kafkajs retries after a time-out on a loaded
    // machine would otherwise write its messages twice, and each copy must be the same data.
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const t0 = performance.now();
      for (let i = 0; i < messages.length; i += PRODUCE_CHUNK) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + PRODUCE_CHUNK) });
      }
      const s = (performance.now() - t0) / 1000;
      process.stdout.write(`  produced ${messages.length} to ${topic} in ${s.toFixed(1)} s\n`);
    } finally {
      await producer.disconnect();
    }
  };

  const messages = drainMessages({ events: EVENTS, users: USERS, now: Date.now() });
  const expected = eventsPerUser(EVENTS, USERS);
  const runDir = process.env.BENCH_RUN_DIR ?? join(repoRoot, '.run/bench');
  const logDir = join(runDir, 'drain-logs');
  mkdirSync(logDir, { recursive: true });
  const results: DrainRunResult[] = [];
  let lastProfile: ProfileSummary | undefined;
  for (let round = 1; round <= RUNS; round++) {
    for (const kind of KINDS) {
      const profileDir =
        PROFILE && kind === 'ours' ? join(runDir, 'drain-profile', `round-${round}`) : undefined;
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      const r = await measureDrain({
        kind,
        round,
        messages,
        expected,
        produce,
        profileDir,
        logDir,
        repoRoot,
        timeoutMs: TIMEOUT_MS,
      });
      results.push(r);
      process.stdout.write(line(r));
      if (r.profile) {
        lastProfile = r.profile;
        process.stdout.write(
          `  CPU profile (${profileDir}, ${r.profile.span === 'window' ? 'join to all processed' : 'whole life'}): idle ${(r.profile.idleShare * 100).toFixed(0)} %, ` +
            `GC ${(r.profile.gcShare * 100).toFixed(0)} %\n${profileTable(r.profile)}\n`,
        );
      }
    }
  }

  const report = drainReport({
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(),
    events: EVENTS,
    users: USERS,
    partitions: results[0]?.partitions ?? 0,
    results,
    load: loadavg()[0] ?? 0,
    profile: lastProfile,
  });
  // Every run's figures, for a look beyond the medians (the section is made from these).
  writeFileSync(join(runDir, 'drain-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeSection(join(repoRoot, 'docs/benchmarks.md'), 'drain', report);
  process.stdout.write(report);
}

main().catch((err) => {
  process.stderr.write(`drain benchmark failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
