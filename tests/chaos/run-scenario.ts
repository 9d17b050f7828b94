import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineKeys as k } from '@evh/redis';
import { randomName } from '@evh/testing';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';
import type { ChaosStack } from './chaos-stack.js';
import { check, type Observation, type SentEvent, type Verdict, violations } from './checker.js';
import { type LoadStats, startEventLoad } from './event-load.js';
import { type MalformedStats, sendMalformed } from './malformed-load.js';
import type { Scenario, ScenarioSize } from './scenarios.js';

export interface ScenarioResult {
  name: string;
  what: string;
  verdict: Verdict;
  load: LoadStats;
  malformed?: MalformedStats;
  /**
   * Seconds from the fault's heal until the pipeline works again: a batch acknowledged and an
   * event processed after the heal (null when that never happened, or for a fault without a heal).
   */
  recoverSeconds: number | null;
  /** Seconds from the end of the load until every acknowledged event was finalized. */
  drainSeconds: number | null;
  /** Services that exited without being told to. */
  crashed: string[];
  notes: string[];
  /** Everything that fails the goal, in words; empty when it was met. */
  failures: string[];
}

/** Services of the scenario: the ones its fault stops are restarted by the fault itself. */
const serviceEnv = (size: ScenarioSize) => ({
  ...size.serviceEnv,
  // The load is a few hundred users at a few thousand events/s: no client is throttled.
  RATE_LIMIT_PER_WINDOW: '100000',
  ORDER_GAP_TIMEOUT_MS: '5000',
});

async function observe(f: PipelineFixture, sent: SentEvent[], counted: boolean): Promise<Observation> {
  const states: Observation['states'] = [];
  for (let i = 0; i < sent.length; i += 5000) {
    const p = f.redis.pipeline();
    for (const e of sent.slice(i, i + 5000)) p.hmget(k.event(e.id), 'status', 'attempts');
    for (const [, row] of (await p.exec()) ?? []) {
      const [status, attempts] = row as (string | null)[];
      states.push(status ? { status, attempts: attempts ?? '' } : null);
    }
  }
  const users = [...new Set(sent.map((e) => e.userId))];
  const p = f.redis.pipeline();
  for (const u of users) p.lrange(k.order(u), 0, -1);
  const lists = (await p.exec()) ?? [];
  const orders = new Map(users.map((u, i) => [u, ((lists[i]?.[1] as string[]) ?? []).map(Number)]));
  const dlqTopic = await f.admin.fetchTopicOffsets(f.dlqTopic).catch(() => []);
  const dlqList = await f.redis.lrange(k.dlqList(), 0, -1);
  const onTopic = dlqTopic.reduce((n, o) => n + Number(o.high), 0);
  // Dead letters on the topic that the list does not hold are counted as extra copies.
  const deadLettered = [
    ...dlqList,
    ...Array.from({ length: Math.max(0, onTopic - dlqList.length) }, () => '?'),
  ];
  return {
    states,
    orders,
    processedCounter: counted ? await f.processedCount() : null,
    inflightLeft: (await f.inflightKeys()).length,
    deadLettered,
  };
}

/** When the processed counter first moves after now (null if not within a minute). */
async function firstProgressAfter(f: PipelineFixture): Promise<number | null> {
  const deadline = Date.now() + 60_000;
  let at: number | undefined;
  while (Date.now() < deadline) {
    // Read errors (Redis still coming back) only mean: not yet.
    const now = await f.processedCount().catch(() => undefined);
    if (at === undefined) at = now;
    else if (now !== undefined && now > at) return Date.now();
    await sleep(100);
  }
  return null;
}

/** Polls the checker until nothing acknowledged is missing (or the time is up); returns the last look. */
async function drain(f: PipelineFixture, sent: SentEvent[], counted: boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const observation = await observe(f, sent, counted).catch(() => undefined);
    const verdict = observation && check(sent, observation);
    const lag = await f.lag().catch(() => -1);
    if (verdict && verdict.lost === 0 && lag === 0 && verdict.inflightLeft === 0) return verdict;
    if (Date.now() > deadline) return verdict ?? check(sent, await observe(f, sent, counted));
    await sleep(250);
  }
}

/**
 * One scenario end to end: a fresh ingest and consumer on their own topics and key prefix,
 * the load, the fault in the middle of it, then the checker once the pipeline has drained.
 */
export async function runScenario(
  stack: ChaosStack,
  scenario: Scenario,
  size: ScenarioSize,
  { drainTimeoutMs = 120_000 }: { drainTimeoutMs?: number } = {},
): Promise<ScenarioResult> {
  // The fixture's own clients read these: they point at the chaos stack, not the test run's servers.
  process.env.KAFKA_BROKERS = stack.kafkaBrokers;
  process.env.REDIS_URL = stack.redisUrl;
  const f = await startPipeline({}, { env: serviceEnv(size) });
  try {
    return await exercise(f, stack, scenario, size, drainTimeoutMs);
  } finally {
    // Whatever failed, no service of the scenario outlives it.
    await f.close();
  }
}

async function exercise(
  f: PipelineFixture,
  stack: ChaosStack,
  scenario: Scenario,
  size: ScenarioSize,
  drainTimeoutMs: number,
): Promise<ScenarioResult> {
  const notes: string[] = [];
  if (scenario.consumerStoppedAtStart) await f.consumer.stop('SIGTERM');
  const load = startEventLoad({
    url: f.ingest.url,
    rate: size.rate,
    users: size.users,
    senders: 8,
    batchSize: Math.max(1, Math.round(size.rate / 40)),
    runId: randomName(scenario.name),
  });
  const malformed = scenario.malformed
    ? sendMalformed(f.ingest.url, size.malformed, { slow: size.slowSenders, slowBoundMs: size.slowBoundMs })
    : undefined;
  let healedAt: number | undefined;
  let processingAgain: Promise<number | null> | undefined;
  let loadStoppedAt = 0;
  try {
    await sleep(size.beforeMs);
    await scenario.fault({ stack, pipeline: f, size, note: (t) => notes.push(t) });
    healedAt = Date.now();
    processingAgain = firstProgressAfter(f);
    await sleep(size.afterMs);
  } finally {
    loadStoppedAt = Date.now();
    await load.stop(Date.now() + 60_000);
  }
  const malformedStats = await malformed;
  // The drain is timed from when the last client, malformed ones included, stopped sending.
  loadStoppedAt = Date.now();
  const verdict = await drain(f, load.sent, !scenario.malformed, drainTimeoutMs);
  const drainSeconds = verdict.lost === 0 ? (Date.now() - loadStoppedAt) / 1000 : null;
  const firstAck = load.stats.ackTimes.find((t) => t >= (healedAt ?? Number.POSITIVE_INFINITY));
  const firstProcessed = await processingAgain;
  const recoverSeconds =
    healedAt === undefined || scenario.malformed || !firstAck || !firstProcessed
      ? null
      : (Math.max(firstAck, firstProcessed) - healedAt) / 1000;
  // The ingest and the consumer running now (a fault replaces the consumers it stops) must be alive.
  const crashed = [f.ingest, f.consumer]
    .filter((s) => s.child.exitCode !== null || s.child.signalCode !== null)
    .map((s) => `${s.name} (exit ${s.child.exitCode ?? s.child.signalCode}): ${s.output().slice(-400)}`);
  const failures = violations(verdict);
  if (load.stats.unexpected5xx > 0) failures.push(`${load.stats.unexpected5xx} 5xx answers to valid batches`);
  if (load.stats.bare503 > 0) failures.push(`${load.stats.bare503} 503s without Retry-After`);
  if (malformedStats && malformedStats.fiveXx > 0)
    failures.push(`${malformedStats.fiveXx} 5xx to malformed input`);
  if (malformedStats && malformedStats.hung > 0)
    failures.push(`${malformedStats.hung} malformed requests unanswered`);
  if (malformedStats && malformedStats.slowCutOff < malformedStats.slowSent) {
    failures.push(`${malformedStats.slowSent - malformedStats.slowCutOff} slow senders never cut off`);
  }
  for (const c of crashed) failures.push(`crashed: ${c}`);
  return {
    name: scenario.name,
    what: scenario.what,
    verdict,
    load: load.stats,
    malformed: malformedStats,
    recoverSeconds,
    drainSeconds,
    crashed,
    notes,
    failures,
  };
}
