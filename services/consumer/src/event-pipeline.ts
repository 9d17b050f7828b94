import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LOG_CHUNK_KIND, LOG_LINE_KIND } from '@evh/events';
import type { KafkaClient, KafkaProducer } from '@evh/kafka';
import type { Shutdown } from '@evh/lifecycle';
import type { QuotaCache } from '@evh/quota';
import type { Redis } from '@evh/redis';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ConsumerConfig } from './config.js';
import { createCounterCache } from './crashes/counter-cache.js';
import { createCrashHandlers } from './crashes/crash-handler.js';
import { createEventDispatcher } from './dispatch/event-dispatcher.js';
import { createFairScheduler, defaultReserve } from './dispatch/fair-scheduler.js';
import { createGapSweeper } from './dispatch/gap-sweeper.js';
import { createPartitionProgress } from './dispatch/partition-progress.js';
import { policyFromQuotas } from './dispatch/quota-policy.js';
import { createUserLanes } from './dispatch/user-lanes.js';
import { createLogChunkHandler } from './jobs/log-chunk-handler.js';
import { createLogLineHandler } from './jobs/log-line-handler.js';
import type { ConsumerMetrics } from './metrics.js';
import { createApplyEvent } from './pipeline/apply-event.js';
import { createEventProcessor } from './pipeline/event-processor.js';
import { createEventStore } from './pipeline/event-store.js';
import { createLockRenewer, lockRenewIntervalMs } from './pipeline/lock-renewer.js';
import { traceFinalize } from './pipeline/trace-finalize.js';

export interface EventPipelineDeps {
  config: ConsumerConfig;
  kafka: KafkaClient;
  redis: Redis;
  /** Writes dead letters; connected, closed by its owner. */
  producer: KafkaProducer;
  quotas: QuotaCache;
  metrics: ConsumerMetrics;
  logger: Logger;
  shutdown: Shutdown;
  /** A span per message when tracing is on. */
  tracer: Tracer | undefined;
  numPartitions: number;
  /** Told when a chunk completed its job (the job's record in PostgreSQL). */
  onJobCompleted(jobId: string): Promise<void>;
}

export interface EventPipeline {
  /** The group was joined and the client has not given up after a crash. */
  readonly joined: boolean;
  /** The partitions of `events` this process holds. */
  readonly assignment: readonly number[];
  /** Messages fetched and not finished. */
  readonly pending: number;
  /** Successful offset commits so far: progress, for the liveness check. */
  readonly commits: number;
}

/**
 * The event pipeline of one process, running: the `events` consumer group, its dispatcher
 * (lanes, fair scheduler, offset tracking), the processor with its per-kind handlers, the
 * lock renewer and the gap sweeper. Each part registers its own close, so the shutdown
 * stops them in reverse order: the sweeper, then the group (drained), then the locks.
 */
export async function startEventPipeline(deps: EventPipelineDeps): Promise<EventPipeline> {
  const { config, kafka, redis, producer, quotas, metrics, logger, shutdown } = deps;
  const isStopping = () => shutdown.closing;

  // With tracing on, each finalize is a Redis span under its event's process span.
  const untraced = createEventStore(redis, {
    lockToken: `${hostname()}:${process.pid}:${randomUUID()}`,
    lockTtlMs: config.LOCK_TTL_MS,
    retentionMs: config.RETENTION_MS,
    gapTimeoutMs: config.ORDER_GAP_TIMEOUT_MS,
    stallGraceMs: config.STALL_GRACE_MS,
  });
  const store = deps.tracer ? traceFinalize(untraced, deps.tracer) : untraced;
  const handlerDeps = { redis, keyPrefix: config.REDIS_KEY_PREFIX, retentionMs: config.RETENTION_MS };
  const processor = createEventProcessor({
    store,
    apply: createApplyEvent({
      ...createCrashHandlers({
        redis,
        counters: createCounterCache(redis, config.COUNTER_CACHE_MS),
        simulatedWork: config.CRASH_SIMULATED_WORK_MS,
        retentionMs: config.RETENTION_MS,
        onIssueOpened: (severity) => metrics.issuesOpened.inc({ severity }),
      }),
      [LOG_CHUNK_KIND]: createLogChunkHandler({ ...handlerDeps, onJobCompleted: deps.onJobCompleted }),
      // Lines of jobs read before chunks, still queued during an upgrade; remove once drained.
      [LOG_LINE_KIND]: createLogLineHandler(handlerDeps),
    }),
    deadLetters: {
      async send(userId, letter) {
        await producer.send(config.DLQ_TOPIC, [
          { key: userId, value: JSON.stringify(letter), headers: { 'event-id': letter.id } },
        ]);
      },
    },
    metrics,
    logger,
    maxAttempts: config.MAX_ATTEMPTS,
    retryBackoffMs: config.RETRY_BACKOFF_MS,
    // Another holder's lock is renewed while it lives: waiting past one expiry means it died.
    lockWaitMs: config.LOCK_TTL_MS + 1000,
    isStopping,
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
    sessionTimeoutMs: config.SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: Math.floor(config.SESSION_TIMEOUT_MS / 6),
    maxWaitTimeMs: 100,
  });
  const partitions = consumer.partitions(topic);
  // One scheduler for fetched events and for those the gap sweeper releases.
  const reserve = config.CONSUMER_RESERVED_SLOTS ?? defaultReserve(config.CONSUMER_CONCURRENCY);
  if (reserve >= config.CONSUMER_CONCURRENCY && reserve > 0) {
    throw new RangeError(
      `CONSUMER_RESERVED_SLOTS (${reserve}) must be below CONSUMER_CONCURRENCY (${config.CONSUMER_CONCURRENCY})`,
    );
  }
  const scheduler = createFairScheduler({
    capacity: config.CONSUMER_CONCURRENCY,
    policyOf: policyFromQuotas(quotas),
    reserve,
  });
  let commits = 0;
  const dispatcher = createEventDispatcher({
    processor,
    lanes,
    scheduler,
    metrics,
    logger,
    progress,
    tracer: deps.tracer,
    topic,
    group: config.CONSUMER_GROUP,
    maxPendingMessages: config.MAX_PENDING_PER_PARTITION,
    maxPendingBytes: config.MAX_PENDING_BYTES_PER_PARTITION,
    redeliveryDelayMs: config.REDELIVERY_DELAY_MS,
    durableAfterMs: config.DURABLE_AFTER_MS,
    control: {
      ...partitions,
      commit: async (offsets) => {
        await partitions.commit(offsets);
        commits++;
      },
    },
  });
  metrics.observePending(() => dispatcher.pending);
  // Ready once the group was joined, unless the client gave up after a crash (a crash it
  // restarts from rejoins by itself).
  let joined = false;
  let assignment: number[] = [];
  consumer.onGroupJoin((assigned) => {
    joined = true;
    assignment = assigned[topic] ?? [];
    dispatcher.assigned(assignment);
  });
  consumer.onCrash((error, restarting) => {
    logger.error({ err: error, restart: restarting }, 'kafka consumer crashed');
    // Not ready until the group is joined again (by the client, or by our restart).
    if (!restarting) joined = false;
  });
  shutdown.register('kafka-consumer', async () => {
    // Running events finish (bounded) and their offsets are committed; queued ones are
    // left to the next owner of the partition. Then the group is left.
    await dispatcher.drain(config.DRAIN_TIMEOUT_MS);
    await consumer.disconnect();
  });
  const running = await consumer.run({
    topics: [topic],
    fromBeginning: true,
    // eachBatch only queues the batch: one at a time is plenty.
    partitionsConsumedConcurrently: 1,
    eachBatch: (context) => dispatcher.handleBatch(context),
    logger,
    onRestart: () => metrics.consumerRestarts.inc({ group: config.CONSUMER_GROUP }),
  });
  // Closed before the group is left, so that no restart races the disconnect.
  shutdown.register('kafka-consumer-restarts', () => running.stop());
  dispatcher.start(config.OFFSET_COMMIT_INTERVAL_MS);

  const sweeper = createGapSweeper({
    store,
    processor,
    lanes,
    scheduler,
    progress,
    numPartitions: deps.numPartitions,
    metrics,
    logger,
    intervalMs: config.SWEEP_INTERVAL_MS,
    minWaitMs: Math.min(config.ORDER_GAP_TIMEOUT_MS, config.STALL_GRACE_MS),
  });
  sweeper.start();
  shutdown.register('gap-sweeper', () => sweeper.stop());

  return {
    get joined() {
      return joined;
    },
    get assignment() {
      return assignment;
    },
    get pending() {
      return dispatcher.pending;
    },
    get commits() {
      return commits;
    },
  };
}
