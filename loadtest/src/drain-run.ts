import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, consumerLag } from '@evh/kafka/kafkajs';
import { pipelineKeys, type Redis } from '@evh/redis';
import { type BenchStack, benchStack, pidOf } from './bench-stack.js';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from './drain-cpu-profile.js';
import type { DrainMessage } from './drain-messages.js';
import { checkOrder, type OrderCheck } from './drain-order-check.js';
import { type DrainProcess, startBaseline } from './drain-process.js';
import { redisCpuSeconds } from './drain-redis-cpu.js';
import { cpuSeconds, peakRssMb } from './process-stats.js';

export type DrainKind = 'ours' | 'baseline' | 'raw';

export interface DrainRunResult {
  kind: DrainKind;
  round: number;
  events: number;
  partitions: number;
  /** Process start to the group being Stable (joined and synced). */
  joinS: number;
  /** Group join to done: lag 0 (and, for ours, the processed counter at `events`). */
  drainS: number;
  /** Process start to done. */
  totalS: number;
  /** Ours only: group join to every event counted as processed, before the lag reached 0. */
  finalizedS?: number;
  /** events / drainS. */
  rate: number;
  rssMb: number;
  /** The consumer process's CPU seconds from its start to done. */
  cpuS: number;
  /** Redis's CPU seconds from the consumer's start to done. */
  redisCpuS: number;
  /** The order lists left in Redis (ours and the baseline; the raw ceiling writes none). */
  order?: OrderCheck;
  profile?: ProfileSummary;
}

export interface DrainRunOptions {
  kind: DrainKind;
  round: number;
  messages: DrainMessage[];
  expected: Map<string, number>;
  produce(topic: string, messages: DrainMessage[]): Promise<void>;
  /** Where the consumer's output is written, `<round>-<kind>.log`. */
  logDir: string;
  /** Ours runs under `node --cpu-prof` writing here (startService's EVH_PROFILE_DIR). */
  profileDir?: string;
  repoRoot: string;
  timeoutMs: number;
}

const POLL_MS = 20;

/** Polls until check returns a value; unlike waitFor, an error fails at once (a dead consumer). */
async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  /** How far it got, for the time-out's message. */
  progress: () => string = () => '',
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} ${progress()}`.trim());
    }
    await sleep(POLL_MS);
  }
}

async function groupStable(admin: Admin, group: string): Promise<boolean> {
  const { groups } = await admin.describeGroups([group]);
  return groups[0]?.state === 'Stable' && (groups[0]?.members.length ?? 0) > 0;
}

async function startConsumer(kind: DrainKind, stack: BenchStack, profileDir?: string): Promise<DrainProcess> {
  if (kind !== 'ours') return startBaseline(kind === 'baseline' ? 'straightforward' : 'raw', stack.env);
  // startService reads EVH_PROFILE_DIR when it spawns; nothing else starts meanwhile.
  if (profileDir) process.env.EVH_PROFILE_DIR = profileDir;
  try {
    const service = await stack.start('consumer');
    return {
      pid: pidOf(service),
      alive: () => service.alive(),
      output: () => service.output(),
      stop: async () => {
        await service.stop();
      },
    };
  } finally {
    delete process.env.EVH_PROFILE_DIR;
  }
}

async function readOrder(redis: Redis, expected: Map<string, number>): Promise<OrderCheck> {
  const users = [...expected.keys()];
  const lists = await Promise.all(users.map((u) => redis.lrange(pipelineKeys.order(u), 0, -1)));
  return checkOrder(expected, new Map(users.map((u, i) => [u, lists[i] ?? []])));
}

/** Removes the run's keys, so a later run's Redis is not larger (and rewriting a larger AOF). */
async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    // SCAN answers full names; the client adds its prefix to UNLINK's keys itself.
    if (keys.length > 0) await redis.unlink(...keys.map((k) => k.slice(prefix.length)));
  } while (cursor !== '0');
}

function readProfile(dir: string, root: string, window: Timing['window']): ProfileSummary | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  return summarizeProfile(profile, { top: 15, root, window });
}

interface Timing {
  joinedAt: number;
  doneAt: number;
  finalizedAt?: number;
  /** Join to every event processed on the monotonic clock in µs, the clock of V8's CPU profiles. */
  window: { fromUs: number; toUs: number };
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function assertAlive(kind: DrainKind, consumer: DrainProcess | undefined): void {
  if (consumer && !consumer.alive()) throw new Error(`the ${kind} consumer exited:\n${consumer.output()}`);
}

/** From the start of the consumer to done, watched from outside through Kafka and Redis. */
async function watchDrain(stack: BenchStack, o: DrainRunOptions, startedAt: number) {
  let aborted = false;
  let consumer: DrainProcess | undefined;
  // Polled from before the spawn: ours answers its /readyz only after it joined, and has
  // processed events by then. A Kafka error while polling is a reading missed, not a failure.
  const joined = pollUntil(
    'the consumer group to be Stable',
    async () => {
      if (aborted) return { at: -1, us: -1 };
      assertAlive(o.kind, consumer);
      const stable = await groupStable(stack.admin, stack.group).catch(() => false);
      return stable ? { at: performance.now(), us: monotonicUs() } : undefined;
    },
    o.timeoutMs,
  );
  // Awaited below; handled now so a rejection during the start is not an unhandled one.
  void joined.catch(() => undefined);
  try {
    consumer = await startConsumer(o.kind, stack, o.profileDir);
  } catch (err) {
    aborted = true;
    await joined.catch(() => undefined);
    throw err;
  }
  const running = consumer;
  const events = o.messages.length;
  try {
    const join = await joined;
    let finalizedAt: number | undefined;
    let finalizedUs: number | undefined;
    let processed = 0;
    let lag: number | undefined;
    const done = await pollUntil(
      `${o.kind}: lag 0${o.kind === 'ours' ? ` and ${events} processed` : ''}`,
      async () => {
        assertAlive(o.kind, running);
        if (o.kind === 'ours' && finalizedAt === undefined) {
          processed = Number((await stack.redis.hget(pipelineKeys.counters(), 'processed')) ?? 0);
          if (processed >= events) {
            finalizedAt = performance.now();
            finalizedUs = monotonicUs();
          }
        }
        lag = (await consumerLag(stack.admin, stack.group, stack.topic).catch(() => undefined))?.total;
        const finished = o.kind !== 'ours' || finalizedAt !== undefined;
        return lag === 0 && finished ? { at: performance.now(), us: monotonicUs() } : undefined;
      },
      o.timeoutMs,
      () => `(last seen: ${o.kind === 'ours' ? `processed ${processed}, ` : ''}lag ${lag ?? 'not read'})`,
    );
    const timing: Timing = {
      joinedAt: join.at - startedAt,
      doneAt: done.at - startedAt,
      // Ours idles through its durability wait after the last event: the profile stops before it.
      window: { fromUs: join.us, toUs: finalizedUs ?? done.us },
    };
    if (finalizedAt !== undefined) timing.finalizedAt = finalizedAt - startedAt;
    return { consumer: running, timing };
  } catch (err) {
    await running.stop();
    writeFileSync(join(o.logDir, `${o.round}-${o.kind}.log`), running.output());
    throw err;
  }
}

/**
 * One measured drain: a fresh topic, group and key prefix; every message produced first;
 * then the consumer started and timed until it has drained the topic.
 */
export async function measureDrain(o: DrainRunOptions): Promise<DrainRunResult> {
  const stack = await benchStack();
  const prefix = stack.env.REDIS_KEY_PREFIX ?? '';
  try {
    await o.produce(stack.topic, o.messages);
    const held = (await stack.admin.fetchTopicOffsets(stack.topic)).reduce(
      (sum, p) => sum + Number(p.high) - Number(p.low),
      0,
    );
    if (held !== o.messages.length) {
      throw new Error(`${stack.topic} holds ${held} messages, ${o.messages.length} were produced`);
    }
    const [metadata] = (await stack.admin.fetchTopicMetadata({ topics: [stack.topic] })).topics;
    const redisCpu0 = redisCpuSeconds(await stack.redis.info('cpu'));
    const startedAt = performance.now();
    const { consumer, timing } = await watchDrain(stack, o, startedAt);
    const redisCpuS = redisCpuSeconds(await stack.redis.info('cpu')) - redisCpu0;
    const rssMb = peakRssMb(consumer.pid);
    const cpuS = cpuSeconds(consumer.pid);
    await consumer.stop();
    writeFileSync(join(o.logDir, `${o.round}-${o.kind}.log`), consumer.output());
    const events = o.messages.length;
    const drainS = (timing.doneAt - timing.joinedAt) / 1000;
    const result: DrainRunResult = {
      kind: o.kind,
      round: o.round,
      events,
      partitions: metadata?.partitions.length ?? 0,
      joinS: timing.joinedAt / 1000,
      drainS,
      totalS: timing.doneAt / 1000,
      rate: events / drainS,
      rssMb,
      cpuS,
      redisCpuS,
    };
    if (timing.finalizedAt !== undefined) result.finalizedS = (timing.finalizedAt - timing.joinedAt) / 1000;
    if (o.kind !== 'raw') result.order = await readOrder(stack.redis, o.expected);
    if (o.profileDir && o.kind === 'ours')
      result.profile = readProfile(o.profileDir, o.repoRoot, timing.window);
    return result;
  } finally {
    // The topics stay (make bench's Kafka is thrown away after it): deleting one makes the
    // next run's new topic answer "does not host this topic-partition" for a while.
    await removeKeys(stack.redis, prefix).catch(() => undefined);
    await stack.close();
  }
}
