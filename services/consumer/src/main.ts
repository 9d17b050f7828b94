// The consumer process: reads `events`, applies each event to Redis effectively once and in
// order per user, dead-letters what keeps failing; reads uploaded files as jobs. The only
// impure file of the service: it wires the clients, the event pipeline, the job worker and
// the probes, in the order their shutdown must reverse.
import { createJobRecords, createPool, dropExpiredEntries, migrate, pingDb } from '@evh/db';
import { platformTopics } from '@evh/events';
import { httpLimitsOf } from '@evh/http';
import { createKafkaClient, startBrokerProbe } from '@evh/kafka';
import { createPeriodicProbe, createPeriodicTask, exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { createQuotaCache } from '@evh/quota';
import { connectRedis, startRedisProbe } from '@evh/redis';
import { createObjectStore } from '@evh/storage';
import { createStallWatch, startServiceRuntime } from '@evh/telemetry';
import { buildConsumerApp } from './app.js';
import { consumerConfigSchema } from './config.js';
import { startEventPipeline } from './event-pipeline.js';
import { startJobWorker } from './jobs/start-job-worker.js';
import { createConsumerMetrics } from './metrics.js';
import { persistenceProblem, readPersistence } from './redis/persistence-check.js';

const SERVICE = 'consumer';

async function main(): Promise<void> {
  const config = parseConfig(consumerConfigSchema, process.env);
  const { logger, shutdown, tracing, registry } = startServiceRuntime(SERVICE, config, process.env);
  const metrics = createConsumerMetrics(registry);

  const redis = await connectRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    name: 'redis',
    logger,
    shutdown,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  });

  // Project weights and maxInFlight for the fair scheduler, as the controller writes them.
  // Offsets are committed on the premise that Redis persists what it acknowledged (ADR 0007).
  const persistence = await readPersistence(redis);
  const persistenceIssue = persistence && persistenceProblem(persistence, config.DURABLE_AFTER_MS);
  if (persistenceIssue) logger.warn({ persistence }, `${persistenceIssue} (ADR 0007)`);

  const quotas = createQuotaCache(redis, { refreshMs: config.QUOTA_REFRESH_MS, logger });
  await quotas.start();
  shutdown.register('quota-cache', () => quotas.stop());

  const kafka = createKafkaClient({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics(platformTopics(config));
  const partitionCounts = await admin.partitionCounts([config.EVENTS_TOPIC]);
  const numPartitions = partitionCounts.get(config.EVENTS_TOPIC) ?? config.EVENTS_PARTITIONS;
  await admin.disconnect();
  // Readiness and liveness from the cluster's answer now: the Kafka consumer crashes and
  // restarts through an outage, and no event of it says when Kafka is back.
  const brokerProbe = await startBrokerProbe(SERVICE, config, { logger, shutdown });

  // Dead letters and the line events of upload jobs.
  const producer = kafka.producer();
  await producer.connect();
  shutdown.register('kafka-producer', () => producer.disconnect());

  const objectStore = createObjectStore(config);
  shutdown.register('object-store', () => objectStore.close());

  // The jobs' records and parsed entries. Every replica migrates at start (an advisory lock
  // makes one apply and the others wait), so a database without the chart's hook Job works too.
  const db = config.JOB_STORE_ENTRIES ? createPool(config, logger) : undefined;
  if (db) {
    shutdown.register('postgres', () => db.end());
    await migrate(db);
    const retention = createPeriodicTask({
      intervalMs: 60 * 60 * 1000,
      run: async () => {
        const dropped = await dropExpiredEntries(db, config.LOG_RETENTION_DAYS);
        if (dropped.length > 0) logger.info({ dropped }, 'expired log entries dropped');
      },
      onError: (err) => logger.warn({ err }, 'log retention failed; tried again in an hour'),
    });
    retention.start();
    shutdown.register('log-retention', () => retention.stop());
  }
  const jobRecords = db ? createJobRecords(db) : undefined;

  const pipeline = await startEventPipeline({
    config,
    kafka,
    redis,
    producer,
    quotas,
    metrics,
    logger,
    shutdown,
    tracer: tracing.enabled ? tracing.tracer : undefined,
    numPartitions,
    onJobCompleted: async (jobId) => jobRecords?.completed(jobId),
  });
  await startJobWorker({
    config,
    kafka,
    redis,
    producer,
    objectStore,
    db,
    metrics,
    logger,
    shutdown,
    tracer: tracing.enabled ? tracing.tracer : undefined,
    numPartitions,
  });

  // Liveness: work waits (fetched and unfinished, or lag on our partitions) with Kafka and
  // Redis up, and nothing finalized or committed for LIVENESS_STALL_MS: restart the pod.
  const assignedLag = createPeriodicProbe(
    async () => {
      const { assignment } = pipeline;
      if (assignment.length === 0) return 0;
      const lag = await brokerProbe.admin.consumerLag(config.CONSUMER_GROUP, config.EVENTS_TOPIC);
      return lag.partitions.reduce((sum, p) => (assignment.includes(p.partition) ? sum + p.lag : sum), 0);
    },
    {
      // Ten readings per stall window is plenty; lag only has to be seen, not tracked.
      intervalMs: Math.max(1000, Math.floor(config.LIVENESS_STALL_MS / 10)),
      timeoutMs: config.KAFKA_PROBE_TIMEOUT_MS,
    },
  );
  void assignedLag.start();
  shutdown.register('lag-probe', () => assignedLag.stop());
  // A Redis that stopped answering keeps its socket and its `ready` status: ask it.
  const redisProbe = await startRedisProbe(redis, config, shutdown);
  const progressed = createStallWatch({
    stallMs: config.LIVENESS_STALL_MS,
    observe: async () => {
      const handled = (await metrics.events.get()).values.reduce((sum, v) => sum + v.value, 0);
      return {
        progress: handled + pipeline.commits,
        hasWork: pipeline.pending > 0 || (assignedLag.value ?? 0) > 0,
        dependenciesUp: brokerProbe.up && redisProbe.up,
      };
    },
  });

  const app = buildConsumerApp({
    logger,
    registry,
    httpLimits: httpLimitsOf(config),
    readiness: {
      redis: () => redisProbe.up,
      kafka: () => pipeline.joined && !shutdown.closing && brokerProbe.up,
      storage: () => objectStore.ping(),
      ...(db ? { postgres: () => pingDb(db) } : {}),
    },
    liveness: { progress: progressed },
  });
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ topic: config.EVENTS_TOPIC, group: config.CONSUMER_GROUP }, 'consumer running');
}

main().catch((err) => exitOnStartupError(SERVICE, err));
