import { createJobRecords, type Pool } from '@evh/db';
import { type KafkaClient, type KafkaProducer, partitionOf } from '@evh/kafka';
import type { Shutdown } from '@evh/lifecycle';
import type { Redis } from '@evh/redis';
import type { ObjectStore } from '@evh/storage';
import { sendTraced } from '@evh/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ConsumerConfig } from '../config.js';
import type { ConsumerMetrics } from '../metrics.js';
import { createJobEntries, noJobEntries } from './job-entries.js';
import { createJobStore } from './job-store.js';
import { createJobBatchHandler } from './job-worker.js';

export interface JobWorkerStartDeps {
  config: ConsumerConfig;
  kafka: KafkaClient;
  redis: Redis;
  /** Writes a job's chunk events to `events`; connected, closed by its owner. */
  producer: KafkaProducer;
  objectStore: ObjectStore;
  /** The jobs' records and parsed entries; absent with JOB_STORE_ENTRIES=false. */
  db: Pool | undefined;
  metrics: ConsumerMetrics;
  logger: Logger;
  shutdown: Shutdown;
  /** A span per job and per chunk sent, in the upload's trace, when tracing is on. */
  tracer?: Tracer;
  /** Partitions of `events`, to name each chunk span's partition. */
  numPartitions?: number;
}

/**
 * The job worker of one process, running: the `jobs` consumer group, one job at a time per
 * partition (JOB_CONCURRENCY partitions at once), each file read from its checkpoint in
 * chunks. Registers its own close: the group is left, and a job being read is abandoned at
 * its next chunk, to be resumed by the next owner of the partition.
 */
export async function startJobWorker(deps: JobWorkerStartDeps): Promise<void> {
  const { config, kafka, redis, producer, metrics, logger, shutdown } = deps;
  const consumer = kafka.consumer({
    groupId: config.JOB_WORKERS_GROUP,
    sessionTimeoutMs: config.SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: Math.floor(config.SESSION_TIMEOUT_MS / 6),
    maxWaitTimeMs: 250,
  });
  shutdown.register('kafka-job-consumer', () => consumer.disconnect());
  const running = await consumer.run({
    topics: [config.JOBS_TOPIC],
    fromBeginning: true,
    logger,
    onRestart: () => metrics.consumerRestarts.inc({ group: config.JOB_WORKERS_GROUP }),
    partitionsConsumedConcurrently: config.JOB_CONCURRENCY,
    eachBatch: createJobBatchHandler({
      consumer,
      jobs: createJobStore(redis, { keyPrefix: config.REDIS_KEY_PREFIX }),
      entries: deps.db
        ? createJobEntries({
            pool: deps.db,
            records: createJobRecords(deps.db),
            logger,
            giveUpAfterMs: config.DB_WRITE_TIMEOUT_MS,
            stopped: () => shutdown.closing,
          })
        : noJobEntries,
      store: deps.objectStore,
      produce: (messages) =>
        sendTraced(
          {
            tracer: deps.tracer,
            topic: config.EVENTS_TOPIC,
            partitionOf: (key) => partitionOf(key, deps.numPartitions ?? config.EVENTS_PARTITIONS),
          },
          messages,
          async (traced) => {
            await producer.send(config.EVENTS_TOPIC, traced);
            metrics.jobChunks.inc(traced.length);
          },
        ),
      tracer: deps.tracer,
      group: config.JOB_WORKERS_GROUP,
      metrics,
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
      isStopping: () => shutdown.closing,
    }),
  });
  shutdown.register('kafka-job-consumer-restarts', () => running.stop());
}
