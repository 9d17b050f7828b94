// The drain benchmark's comparison consumers, as a process of their own so the comparison
// with ours is process against process: BASELINE_MODE=straightforward (the design of
// issue 11, writing to Redis) or raw (kafkajs and JSON.parse only, the ceiling).
import { hostname } from 'node:os';
import { kafkaEnvShape } from '@evh/kafka';
import { createKafka } from '@evh/kafka/kafkajs';
import {
  createLogger,
  createShutdown,
  envInt,
  exitOnSignals,
  exitOnStartupError,
  parseConfig,
} from '@evh/lifecycle';
import { createRedis, redisEnvShape } from '@evh/redis';
import { z } from 'zod';
import { createRawBatch } from './raw-batch.js';
import { createStraightforwardBatch } from './straightforward-batch.js';

const configSchema = z.object({
  ...kafkaEnvShape,
  ...redisEnvShape,
  BASELINE_MODE: z.enum(['straightforward', 'raw']),
  EVENTS_TOPIC: z.string().min(1),
  CONSUMER_GROUP: z.string().min(1),
  LOCK_TTL_MS: envInt(5000, 100),
  RETENTION_MS: envInt(7 * 24 * 60 * 60 * 1000, 1000),
  // As ours: a session of 6 s, a heartbeat every second, fetches answered within 100 ms.
  SESSION_TIMEOUT_MS: envInt(6000, 6000),
  LOG_LEVEL: z.string().default('warn'),
});

async function main(): Promise<void> {
  const config = parseConfig(configSchema, process.env);
  const name = `baseline-${config.BASELINE_MODE}`;
  const logger = createLogger(name, config.LOG_LEVEL);
  const shutdown = createShutdown({ logger, timeoutMs: 10_000 });
  exitOnSignals(shutdown);

  const kafka = createKafka({ clientId: name, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [config.EVENTS_TOPIC] })).topics;
  await admin.disconnect();
  const partitions = metadata?.partitions.length ?? 1;

  let eachBatch: ReturnType<typeof createStraightforwardBatch>;
  if (config.BASELINE_MODE === 'straightforward') {
    const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name });
    await redis.connect();
    shutdown.register('redis', async () => {
      await redis.quit();
    });
    eachBatch = createStraightforwardBatch({
      redis,
      lockToken: `${hostname()}:${process.pid}`,
      lockTtlMs: config.LOCK_TTL_MS,
      retentionMs: config.RETENTION_MS,
    });
  } else {
    const raw = createRawBatch();
    shutdown.register('totals', () => {
      logger.info(raw.totals, 'raw consumer totals');
    });
    eachBatch = raw.eachBatch;
  }

  const consumer = kafka.consumer({
    groupId: config.CONSUMER_GROUP,
    sessionTimeout: config.SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.floor(config.SESSION_TIMEOUT_MS / 6),
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  shutdown.register('kafka-consumer', () => consumer.disconnect());
  await consumer.subscribe({ topics: [config.EVENTS_TOPIC], fromBeginning: true });
  await consumer.run({
    // One partition per slot: each partition's events run one at a time, all partitions at once.
    partitionsConsumedConcurrently: partitions,
    eachBatchAutoResolve: config.BASELINE_MODE === 'raw',
    eachBatch,
  });
}

main().catch((err: unknown) => exitOnStartupError('baseline', err));
