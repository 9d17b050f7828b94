import {
  type Admin,
  consumerLag,
  createKafka,
  ensureTopics,
  type Kafka,
  Partitioners,
} from '@evh/kafka/kafkajs';
import { createLogger } from '@evh/lifecycle';
import { createRedis, pipelineKeys, type Redis } from '@evh/redis';
import { randomName, type ServiceProcess, startService, testEnv, waitFor } from '@evh/testing';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the service answered.
type Json = any;

export interface PipelineFixture {
  ingest: ServiceProcess;
  consumer: ServiceProcess;
  /** Present when started with `{ reporter: true }`. */
  reporter?: ServiceProcess;
  /** Reads and writes under the fixture's key prefix, like the services do. */
  redis: Redis;
  kafka: Kafka;
  admin: Admin;
  topic: string;
  dlqTopic: string;
  group: string;
  prefix: string;
  consumerEnv: Record<string, string>;
  post(path: string, body: unknown): Promise<{ status: number; json: Json }>;
  /** A request to the reporter. */
  read(path: string, init?: RequestInit): Promise<{ status: number; json: Json }>;
  /** Posts events in batches of `size`, `concurrency` requests at a time; returns accepted ids. */
  postAll(events: unknown[], size?: number, concurrency?: number): Promise<string[]>;
  startConsumer(): Promise<ServiceProcess>;
  lag(): Promise<number>;
  processedCount(): Promise<number>;
  /** Every `inflight:*` key under the prefix. */
  inflightKeys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * A whole pipeline of real processes: an ingest and a consumer, on their own random topics,
 * consumer group and Redis key prefix, so tests never see each other's state.
 */
export async function startPipeline(
  consumerOverrides: Record<string, string> = {},
  options: { reporter?: boolean; env?: Record<string, string>; redisUrl?: string } = {},
): Promise<PipelineFixture> {
  const env = testEnv();
  // A test that kills Redis brings its own; every other test shares the run's.
  const redisUrl = options.redisUrl ?? env.redisUrl;
  const topic = randomName('events');
  const dlqTopic = `${topic}.dlq`;
  const group = randomName('processors');
  const prefix = `${randomName('p')}:`;
  const common = {
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    EVENTS_TOPIC: topic,
    DLQ_TOPIC: dlqTopic,
    CONSUMER_GROUP: group,
    EVENTS_PARTITIONS: '6',
    JOBS_TOPIC: `${topic}.jobs`,
    JOB_WORKERS_GROUP: `${group}-jobs`,
    // Not about auth: a test that is passes AUTH=on (and ADMIN_TOKEN) in options.env.
    AUTH: 'off',
    ...options.env,
  };
  const logger = createLogger('pipeline-test', 'silent');
  const kafka = createKafka({ clientId: 'pipeline-test', brokers: env.kafkaBrokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic, numPartitions: 6 },
    { topic: dlqTopic, numPartitions: 6 },
    { topic: `${topic}.jobs`, numPartitions: 2 },
  ]);
  const redis = createRedis({ url: redisUrl, keyPrefix: prefix, name: 'pipeline-test' });
  await redis.connect();
  // The consumer's own lock expiry (5 s, renewed while held) unless a test says otherwise.
  const consumerEnv = { ...common, ...consumerOverrides };
  const ingest = await startService('ingest', common);
  const consumer = await startService('consumer', consumerEnv).catch(async (err: unknown) => {
    await ingest.stop();
    throw err;
  });
  const spawned: ServiceProcess[] = [ingest, consumer];
  const reporter = options.reporter
    ? await startService('reporter', { ...common, PUBLIC_INGEST_URL: ingest.url })
    : undefined;
  if (reporter) spawned.push(reporter);

  async function post(path: string, body: unknown) {
    const res = await fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Json };
  }

  const fixture: PipelineFixture = {
    ingest,
    consumer,
    reporter,
    redis,
    kafka,
    admin,
    topic,
    dlqTopic,
    group,
    prefix,
    consumerEnv,
    post,
    async read(path, init) {
      if (!reporter) throw new Error('start the pipeline with { reporter: true }');
      const res = await fetch(`${reporter.url}${path}`, init);
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : null) as Json };
    },
    async postAll(events, size = 500, concurrency = 4) {
      const batches: unknown[][] = [];
      for (let i = 0; i < events.length; i += size) batches.push(events.slice(i, i + size));
      const ids: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next++];
          const res = await post('/events/batch', { events: batch });
          if (res.status !== 202)
            throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.json)}`);
          for (const r of res.json.results as { eventId: string; status: string; error?: string }[]) {
            if (r.status !== 'accepted') throw new Error(`item not accepted: ${JSON.stringify(r)}`);
            ids.push(r.eventId);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return ids;
    },
    async startConsumer() {
      const c = await startService('consumer', consumerEnv);
      spawned.push(c);
      fixture.consumer = c;
      return c;
    },
    async lag() {
      return (await consumerLag(admin, group, topic)).total;
    },
    async processedCount() {
      return Number((await redis.hget(pipelineKeys.counters(), 'processed')) ?? 0);
    },
    async inflightKeys() {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}inflight:*`, 'COUNT', 1000);
        cursor = nextCursor;
        found.push(...keys);
      } while (cursor !== '0');
      return found;
    },
    async close() {
      await Promise.all(spawned.map((s) => s.stop('SIGTERM')));
      await redis.quit();
      await admin.disconnect();
    },
  };
  return fixture;
}

/** A producer that writes straight to the topic, bypassing the ingest (duplicates, poison). */
export async function rawProducer(kafka: Kafka) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

export async function waitForDrain(f: PipelineFixture, expectedProcessed: number, timeoutMs = 60_000) {
  await waitFor(
    `${expectedProcessed} processed and lag 0`,
    async () => {
      const [processed, lag] = await Promise.all([f.processedCount(), f.lag()]);
      return processed >= expectedProcessed && lag === 0 ? { processed, lag } : false;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
