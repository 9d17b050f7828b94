// The consumer process: reads `events`, applies each event to Redis effectively once and in
// order per user, dead-letters what keeps failing. The only impure file of the service.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LOG_CHUNK_KIND, LOG_LINE_KIND, platformTopics } from '@evh/events';
import { httpLimitsOf } from '@evh/http';
import { consumerLag, createKafka, ensureTopics, Partitioners, startBrokerProbe } from '@evh/kafka';
import { createPeriodicProbe, exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { createQuotaCache } from '@evh/quota';
import { connectRedis, startRedisProbe } from '@evh/redis';
import { createObjectStore } from '@evh/storage';
import { createStallWatch, startServiceRuntime } from '@evh/telemetry';
import { buildConsumerApp } from './app.js';
import { consumerConfigSchema } from './config.js';
import { createCounterCache } from './crashes/counter-cache.js';
import { createCrashHandlers } from './crashes/crash-handler.js';
import { createEventDispatcher } from './dispatch/event-dispatcher.js';
import { createFairScheduler } from './dispatch/fair-scheduler.js';
import { createGapSweeper } from './dispatch/gap-sweeper.js';
import { createPartitionProgress } from './dispatch/partition-progress.js';
import { policyFromQuotas } from './dispatch/quota-policy.js';
import { createUserLanes } from './dispatch/user-lanes.js';
import { createJobStore } from './jobs/job-store.js';
import { createJobBatchHandler } from './jobs/job-worker.js';
import { createLogChunkHandler } from './jobs/log-chunk-handler.js';
import { createLogLineHandler } from './jobs/log-line-handler.js';
import { createConsumerMetrics } from './metrics.js';
import { createApplyEvent } from './pipeline/apply-event.js';
import { createEventProcessor } from './pipeline/event-processor.js';
import { createEventStore } from './pipeline/event-store.js';
import { createLockRenewer, lockRenewIntervalMs } from './pipeline/lock-renewer.js';
import { persistenceProblem, readPersistence } from './redis/persistence-check.js';

const SERVICE = 'consumer';

async function main(): Promise<void> {
  const config = parseConfig(consumerConfigSchema, process.env);
  const { logger, shutdown, tracing, registry } = startServiceRuntime(SERVICE, config, process.env);
  let stopping = false;
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

  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, platformTopics(config));
  const [topicMetadata] = (await admin.fetchTopicMetadata({ topics: [config.EVENTS_TOPIC] })).topics;
  const numPartitions = topicMetadata?.partitions.length ?? config.EVENTS_PARTITIONS;
  await admin.disconnect();
  // Readiness and liveness from the cluster's answer now: the kafkajs consumer crashes and
  // restarts through an outage, and no event of it says when Kafka is back.
  const brokerProbe = await startBrokerProbe(SERVICE, config, { logger, shutdown });

  // Dead letters and the line events of upload jobs.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  shutdown.register('kafka-producer', () => producer.disconnect());

  const objectStore = createObjectStore(config);
  shutdown.register('object-store', () => objectStore.close());

  const store = createEventStore(redis, {
    lockToken: `${hostname()}:${process.pid}:${randomUUID()}`,
    lockTtlMs: config.LOCK_TTL_MS,
    retentionMs: config.RETENTION_MS,
    gapTimeoutMs: config.ORDER_GAP_TIMEOUT_MS,
    stallGraceMs: config.STALL_GRACE_MS,
  });
  const processor = createEventProcessor({
    store,
    apply: createApplyEvent({
      ...createCrashHandlers({
        redis,
        counters: createCounterCache(redis, config.COUNTER_CACHE_MS),
        simulatedWork: config.CRASH_SIMULATED_WORK_MS,
        retentionMs: config.RETENTION_MS,
      }),
      [LOG_CHUNK_KIND]: createLogChunkHandler({
        redis,
        keyPrefix: config.REDIS_KEY_PREFIX,
        retentionMs: config.RETENTION_MS,
      }),
      // Lines of jobs read before chunks, still queued during an upgrade; remove once drained.
      [LOG_LINE_KIND]: createLogLineHandler({
        redis,
        keyPrefix: config.REDIS_KEY_PREFIX,
        retentionMs: config.RETENTION_MS,
      }),
    }),
    deadLetters: {
      async send(userId, letter) {
        await producer.send({
          topic: config.DLQ_TOPIC,
          acks: -1,
          messages: [{ key: userId, value: JSON.stringify(letter), headers: { 'event-id': letter.id } }],
        });
      },
    },
    metrics,
    logger,
    maxAttempts: config.MAX_ATTEMPTS,
    retryBackoffMs: config.RETRY_BACKOFF_MS,
    // Another holder's lock is renewed while it lives: waiting past one expiry means it died.
    lockWaitMs: config.LOCK_TTL_MS + 1000,
    isStopping: () => stopping,
  });
  // Locks of events abandoned by the shutdown are released, never left to expire.
  shutdown.register('release-locks', async () => {
    await Promise.all([...processor.held].map((id) => store.unlock(id)));
  });
  // Held locks are kept alive while their events run: a killed consumer's expire within
  // LOCK_TTL_MS. Stopped after the drain (closed in reverse order), before the release.
  const renewer = createLockRenewer({
    store,
    processor,
    intervalMs: lockRenewIntervalMs(config.LOCK_TTL_MS),
    logger,
  });
  renewer.start();
  shutdown.register('lock-renewer', () => renewer.stop());

  const lanes = createUserLanes();
  const progress = createPartitionProgress();
  const topic = config.EVENTS_TOPIC;
  const consumer = kafka.consumer({
    groupId: config.CONSUMER_GROUP,
    sessionTimeout: config.SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.floor(config.SESSION_TIMEOUT_MS / 6),
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  // One scheduler for fetched events and for those the gap sweeper releases.
  const scheduler = createFairScheduler({
    capacity: config.CONSUMER_CONCURRENCY,
    policyOf: policyFromQuotas(quotas),
  });
  // Successful offset commits: progress, for the liveness check below.
  let commits = 0;
  const dispatcher = createEventDispatcher({
    processor,
    lanes,
    scheduler,
    metrics,
    logger,
    progress,
    tracer: tracing.enabled ? tracing.tracer : undefined,
    maxPendingMessages: config.MAX_PENDING_PER_PARTITION,
    maxPendingBytes: config.MAX_PENDING_BYTES_PER_PARTITION,
    redeliveryDelayMs: config.REDELIVERY_DELAY_MS,
    durableAfterMs: config.DURABLE_AFTER_MS,
    control: {
      pause: (partition) => consumer.pause([{ topic, partitions: [partition] }]),
      resume: (partition) => consumer.resume([{ topic, partitions: [partition] }]),
      seek: (partition, offset) => consumer.seek({ topic, partition, offset }),
      commit: async (offsets) => {
        await consumer.commitOffsets(offsets.map((o) => ({ topic, ...o })));
        commits++;
      },
    },
  });
  metrics.observePending(() => dispatcher.pending);
  // Ready once the group was joined, unless kafkajs gave up after a crash (a crash it
  // restarts from rejoins by itself), and while Kafka answers (the broker probe).
  let joined = false;
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    assignment = payload.memberAssignment[topic] ?? [];
    dispatcher.assigned(assignment);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'kafka consumer crashed');
    // A crash kafkajs does not restart from leaves nothing consuming: not ready any more.
    if (!payload.restart) joined = false;
  });
  await consumer.connect();
  shutdown.register('kafka-consumer', async () => {
    stopping = true;
    // Running events finish (bounded) and their offsets are committed; queued ones are
    // left to the next owner of the partition. Then the group is left.
    await dispatcher.drain(config.DRAIN_TIMEOUT_MS);
    await consumer.disconnect();
  });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // eachBatch only queues the batch: one at a time is plenty.
    partitionsConsumedConcurrently: 1,
    eachBatch: (payload) => dispatcher.handleBatch(payload),
  });
  dispatcher.start(config.OFFSET_COMMIT_INTERVAL_MS);

  const jobConsumer = kafka.consumer({
    groupId: config.JOB_WORKERS_GROUP,
    sessionTimeout: config.SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.floor(config.SESSION_TIMEOUT_MS / 6),
    maxWaitTimeInMs: 250,
    allowAutoTopicCreation: false,
  });
  await jobConsumer.connect();
  shutdown.register('kafka-job-consumer', async () => {
    stopping = true;
    await jobConsumer.disconnect();
  });
  await jobConsumer.subscribe({ topics: [config.JOBS_TOPIC], fromBeginning: true });
  await jobConsumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: config.JOB_CONCURRENCY,
    eachBatch: createJobBatchHandler({
      consumer: jobConsumer,
      jobs: createJobStore(redis, { keyPrefix: config.REDIS_KEY_PREFIX }),
      store: objectStore,
      produce: async (messages) => {
        await producer.send({ topic: config.EVENTS_TOPIC, acks: -1, messages });
      },
      logs: config.LOGS_CONFIG,
      logger,
      chunk: { lines: config.JOB_CHUNK_LINES, bytes: config.JOB_CHUNK_BYTES },
      maxLineBytes: config.JOB_MAX_LINE_BYTES,
      lineDelay: config.JOB_SIMULATED_LINE_DELAY_MS,
      storageAttempts: config.JOB_STORAGE_ATTEMPTS,
      durableAfterMs: config.DURABLE_AFTER_MS,
      onAnomalies: (anomalies) => {
        for (const a of anomalies) metrics.anomalies.inc({ kind: a.kind });
      },
      isStopping: () => stopping,
    }),
  });

  const sweeper = createGapSweeper({
    store,
    processor,
    lanes,
    scheduler,
    progress,
    numPartitions,
    metrics,
    logger,
    intervalMs: config.SWEEP_INTERVAL_MS,
    minWaitMs: Math.min(config.ORDER_GAP_TIMEOUT_MS, config.STALL_GRACE_MS),
  });
  sweeper.start();
  shutdown.register('gap-sweeper', () => sweeper.stop());

  // Liveness: work waits (fetched and unfinished, or lag on our partitions) with Kafka and
  // Redis up, and nothing finalized or committed for LIVENESS_STALL_MS: restart the pod.
  const assignedLag = createPeriodicProbe(
    async () => {
      if (assignment.length === 0) return 0;
      const lag = await consumerLag(brokerProbe.admin, config.CONSUMER_GROUP, topic);
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
        progress: handled + commits,
        hasWork: dispatcher.pending > 0 || (assignedLag.value ?? 0) > 0,
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
      kafka: () => joined && !stopping && brokerProbe.up,
      storage: () => objectStore.ping(),
    },
    liveness: { progress: progressed },
  });
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ topic: config.EVENTS_TOPIC, group: config.CONSUMER_GROUP }, 'consumer running');
}

main().catch((err) => exitOnStartupError(SERVICE, err));
