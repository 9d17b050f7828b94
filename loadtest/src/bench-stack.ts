import { type Admin, createKafka, ensureTopics } from '@evh/kafka/kafkajs';
import { createLogger } from '@evh/lifecycle';
import { createRedis, type Redis } from '@evh/redis';
import { randomName, type ServiceProcess, startService, testEnv } from '@evh/testing';

export interface BenchStack {
  /** What every service of this benchmark gets: its own topics, group and key prefix. */
  env: Record<string, string>;
  topic: string;
  group: string;
  admin: Admin;
  /** A client under the benchmark's key prefix. */
  redis: Redis;
  start(name: 'ingest' | 'consumer' | 'reporter', extra?: Record<string, string>): Promise<ServiceProcess>;
  close(): Promise<void>;
}

/**
 * The services a benchmark measures, started as real processes against `make bench`'s Kafka
 * and Redis, isolated from other runs by random topic, group and key-prefix names.
 */
export async function benchStack(extraEnv: Record<string, string> = {}): Promise<BenchStack> {
  const infra = testEnv();
  const topic = randomName('bench-events');
  const group = randomName('bench-processors');
  const prefix = `${randomName('bench')}:`;
  const env = {
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    REDIS_URL: infra.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    // The benchmarks measure the pipeline, not authentication.
    AUTH: 'off',
    EVENTS_TOPIC: topic,
    DLQ_TOPIC: `${topic}.dlq`,
    JOBS_TOPIC: `${topic}.jobs`,
    CONSUMER_GROUP: group,
    JOB_WORKERS_GROUP: `${group}-jobs`,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const admin = createKafka({
    clientId: 'bench',
    brokers: infra.kafkaBrokers,
    logger: createLogger('bench', 'silent'),
  }).admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic, numPartitions: 12 },
    { topic: `${topic}.dlq`, numPartitions: 12 },
    { topic: `${topic}.jobs`, numPartitions: 2 },
  ]);
  const redis = createRedis({ url: infra.redisUrl, keyPrefix: prefix, name: 'bench' });
  await redis.connect();
  const started: ServiceProcess[] = [];
  return {
    env,
    topic,
    group,
    admin,
    redis,
    async start(name, extra = {}) {
      const service = await startService(name, { ...env, ...extra });
      started.push(service);
      return service;
    },
    async close() {
      await Promise.all(started.map((s) => s.stop()));
      await redis.quit();
      await admin.disconnect();
    },
  };
}

export function pidOf(s: ServiceProcess): number {
  if (s.child.pid === undefined) throw new Error(`${s.name} has no pid`);
  return s.child.pid;
}
