import { setTimeout as sleep } from 'node:timers/promises';
import { jobMessageSchema } from '@evh/events';
import type { BatchContext, ConsumedBatch, ConsumedMessage, GroupConsumer } from '@evh/kafka';
import { inSpan, processSpan } from '@evh/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ConsumerMetrics } from '../metrics.js';
import { type JobRunnerDeps, runJob } from './job-runner.js';

export interface JobWorkerDeps extends Omit<JobRunnerDeps, 'heartbeat' | 'isStopping'> {
  consumer: Pick<GroupConsumer, 'commit'>;
  logger: Logger;
  isStopping(): boolean;
  /**
   * A job's offset is committed this long after its last Redis write, so that write is on
   * Redis's disk first (appendfsync everysec, ADR 0007): a host crash must not leave a job
   * half read in Redis whose message Kafka will not deliver again.
   */
  durableAfterMs?: number;
  /** A CONSUMER span per job, continuing the upload's trace, when tracing is on. */
  tracer?: Tracer;
  group?: string;
  /** Jobs by outcome, and those running now. */
  metrics?: Pick<ConsumerMetrics, 'jobs' | 'jobsRunning'>;
}

/**
 * The `jobs` topic's handler: one job at a time per partition. A job's offset is committed
 * only once its file is fully read (or the job failed), so a worker that dies mid-file leaves
 * the job to be redelivered, and the new worker resumes from the job's checkpoint.
 */
export function createJobBatchHandler(deps: JobWorkerDeps) {
  return async ({ batch, heartbeat, isRunning, isStale, resolveOffset }: BatchContext) => {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || deps.isStopping()) return;
      const parsed = jobMessageSchema.safeParse(safeJson(message.value?.toString() ?? ''));
      if (parsed.success) {
        let lost = false;
        const run = () =>
          runJob(parsed.data.jobId, {
            ...deps,
            // A failed heartbeat means a rebalance took the partition: stop at the next chunk.
            heartbeat: () =>
              heartbeat().catch((err: unknown) => {
                lost = true;
                deps.logger.warn(
                  { err, jobId: parsed.data.jobId },
                  'lost the jobs partition; leaving the job',
                );
              }),
            isStopping: () => lost || deps.isStopping() || !isRunning(),
          });
        deps.metrics?.jobsRunning.inc();
        const outcome = await inJobSpan(deps, batch, message, run).finally(() =>
          deps.metrics?.jobsRunning.dec(),
        );
        deps.metrics?.jobs.inc({ outcome });
        deps.logger.info({ jobId: parsed.data.jobId, outcome }, 'job handled');
        if (outcome === 'abandoned') return;
      } else {
        deps.logger.warn({ offset: message.offset }, 'not a job message; skipped');
      }
      resolveOffset(message.offset);
      // A skipped message wrote nothing to Redis: nothing to wait for before committing it.
      if (deps.durableAfterMs && parsed.success) {
        await sleep(deps.durableAfterMs);
        await heartbeat();
      }
      await deps.consumer.commit([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    }
  };
}

/** Runs the job in a CONSUMER span continuing the upload's trace, when tracing is on. */
function inJobSpan<T>(
  deps: JobWorkerDeps,
  batch: ConsumedBatch,
  message: ConsumedMessage,
  run: () => Promise<T>,
): Promise<T> {
  if (!deps.tracer) return run();
  const span = processSpan({
    topic: batch.topic,
    partition: batch.partition,
    group: deps.group ?? '',
    offset: message.offset,
    headers: [message.headers],
  });
  return inSpan(deps.tracer, 'process job', run, span.options, span.parent);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
