// The ingest process: reads config, opens connections, wires the app, listens, and closes
// everything in reverse order on SIGTERM. The only impure file of the service.
import { CONSUMER_GROUP, platformTopics } from '@evh/events';
import { httpLimitsOf } from '@evh/http';
import { createBatchingProducer, createKafkaClient, partitionOf, startBrokerProbe } from '@evh/kafka';
import { createPeriodicTask, exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { createCredentialCache, createFailureThrottle } from '@evh/projects';
import { createQuotaCache } from '@evh/quota';
import { connectRedis, startRedisProbe } from '@evh/redis';
import { createObjectStore } from '@evh/storage';
import { startServiceRuntime } from '@evh/telemetry';
import { buildIngestApp } from './app.js';
import { ingestConfigSchema } from './config.js';
import { createEventPublisher } from './event-publisher.js';
import { createIngestMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limit/rate-limiter.js';
import { createJobRegistry } from './uploads/job-registry.js';

const SERVICE = 'ingest';
const REFUSAL_FLUSH_MS = 1000;

async function main(): Promise<void> {
  const config = parseConfig(ingestConfigSchema, process.env);
  const { logger, shutdown, tracing, registry } = startServiceRuntime(SERVICE, config, process.env);
  const metrics = createIngestMetrics(registry, { maxProjectLabels: config.METRICS_PROJECT_LABELS });

  const redis = await connectRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    name: 'redis',
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    logger,
    shutdown,
  });
  const quotas = createQuotaCache(redis, { refreshMs: config.QUOTA_REFRESH_MS, logger });
  await quotas.start();
  shutdown.register('quota-cache', () => quotas.stop());

  const credentials = createCredentialCache(redis, { refreshMs: config.AUTH_REFRESH_MS, logger });
  await credentials.start();
  shutdown.register('credential-cache', () => credentials.stop());

  const kafka = createKafkaClient({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics(platformTopics(config));
  // The partition counts name each producer span's partition (the default partitioner's pick).
  const counts = await admin.partitionCounts([config.EVENTS_TOPIC, config.JOBS_TOPIC]);
  const partitionsOf = (topic: string) => counts.get(topic) ?? config.EVENTS_PARTITIONS;
  const eventPartitions = partitionsOf(config.EVENTS_TOPIC);
  const jobPartitions = partitionsOf(config.JOBS_TOPIC);
  await admin.disconnect();
  const tracer = tracing.enabled ? tracing.tracer : undefined;
  // Readiness from the cluster's answer now: the producer's own state stays "connected"
  // through an outage while every write fails with KAFKA_UNAVAILABLE.
  const brokerProbe = await startBrokerProbe(SERVICE, config, { logger, shutdown });
  const redisProbe = await startRedisProbe(redis, config, shutdown);

  const producer = kafka.producer();
  await producer.connect();
  shutdown.register('kafka-producer', () => producer.disconnect());
  const batching = createBatchingProducer(producer, {
    lingerMs: config.PRODUCE_LINGER_MS,
    maxBatchMessages: config.PRODUCE_MAX_BATCH,
    sendTimeoutMs: config.PRODUCE_TIMEOUT_MS,
    sendWhenIdle: config.PRODUCE_WHEN_IDLE,
  });
  // Registered after the producer so it runs before it: queued writes are flushed first.
  shutdown.register('produce-batches', () => batching.close());

  const rateLimiter = createRateLimiter(redis, {
    limit: config.RATE_LIMIT_PER_WINDOW,
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    quotas,
  });
  // Refusals decided without Redis reach the projects' usage within a second, and at exit.
  const refusalCounts = createPeriodicTask({
    intervalMs: REFUSAL_FLUSH_MS,
    run: () => rateLimiter.flushRefusals(),
    onError: (err) => logger.warn({ err }, 'refusal counts kept for the next flush'),
  });
  refusalCounts.start();
  shutdown.register('refusal-counts', async () => {
    await refusalCounts.stop();
    await rateLimiter.flushRefusals().catch((err: unknown) => logger.warn({ err }, 'refusal counts lost'));
  });

  const store = createObjectStore(config);
  await store.ping();
  shutdown.register('object-store', () => store.close());

  const app = await buildIngestApp({
    uploads: {
      store,
      jobs: createJobRegistry(redis, config.JOB_RETENTION_MS),
      producer: batching,
      jobsTopic: config.JOBS_TOPIC,
      tracing: { tracer, partitionOf: (key) => partitionOf(key, jobPartitions) },
    },
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    corsOrigin: config.CORS_ORIGINS,
    auth: {
      mode: config.AUTH,
      credentials,
      throttle: createFailureThrottle({
        limit: config.AUTH_FAILURE_LIMIT,
        windowMs: config.AUTH_FAILURE_WINDOW_MS,
      }),
      eventsRequireKey: config.EVENTS_REQUIRE_KEY,
    },
    logger,
    rateLimiter,
    publisher: createEventPublisher(batching, config.EVENTS_TOPIC, {
      tracer,
      partitionOf: (key) => partitionOf(key, eventPartitions),
    }),
    metrics,
    registry,
    tracer,
    readiness: {
      redis: () => redisProbe.up,
      kafka: () => brokerProbe.up,
      storage: () => store.ping(),
    },
    bodyLimit: config.MAX_BODY_BYTES,
    maxDecodedBytes: config.MAX_DECODED_BYTES,
    httpLimits: httpLimitsOf(config),
  });
  // Closed first: stop taking requests, let the in-flight ones finish.
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ topic: config.EVENTS_TOPIC, group: CONSUMER_GROUP }, 'ingest ready');
  if (config.AUTH === 'off') logger.warn('AUTH=off: every route is open (development only)');
}

main().catch((err) => exitOnStartupError(SERVICE, err));
