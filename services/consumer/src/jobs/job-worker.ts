import { setTimeout as sleep } from 'node:timers/promises';
import { jobMessageSchema } from '@evh/events';
import type { Consumer, EachBatchPayload } from '@evh/kafka';
import type { Logger } from 'pino';
import { type JobRunnerDeps, runJob } from './job-runner.js';

export interface JobWorkerDeps extends Omit<JobRunnerDeps, 'heartbeat' | 'isStopping'> {
  consumer: Consumer;
  logger: Logger;
  isStopping(): boolean;
  /**
   * A job's offset is committed this long after its last Redis write, so that write is on
   * Redis's disk first (appendfsync everysec, ADR 0007): a host crash must not leave a job
   * half read in Redis whose message Kafka will not deliver again.
   */
  durableAfterMs?: number;
}

/**
 * The `jobs` topic's handler: one job at a time per partition. A job's offset is committed
 * only once its file is fully read (or the job failed), so a worker that dies mid-file leaves
 * the job to be redelivered, and the new worker resumes from the job's checkpoint.
 */
export function createJobBatchHandler(deps: JobWorkerDeps) {
  return async ({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) => {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || deps.isStopping()) return;
      const parsed = jobMessageSchema.safeParse(safeJson(message.value?.toString() ?? ''));
      if (parsed.success) {
        let lost = false;
        const outcome = await runJob(parsed.data.jobId, {
          ...deps,
          // A failed heartbeat means a rebalance took the partition: stop at the next chunk.
          heartbeat: () =>
            heartbeat().catch((err: unknown) => {
              lost = true;
              deps.logger.warn({ err, jobId: parsed.data.jobId }, 'lost the jobs partition; leaving the job');
            }),
          isStopping: () => lost || deps.isStopping() || !isRunning(),
        });
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
      await deps.consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    }
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
