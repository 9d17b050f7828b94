import type { EachBatchPayload, KafkaMessage } from '@evh/kafka';
import { contextFromHeaders, inSpan } from '@evh/telemetry';
import { context, type Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { FairScheduler } from '../fairness/fair-scheduler.js';
import { projectKeyOf } from '../fairness/project-key.js';
import type { ConsumerMetrics } from '../metrics.js';
import type { EventProcessor } from '../pipeline/event-processor.js';
import type { UserLanes } from '../pipeline/user-lanes.js';
import type { PartitionProgress } from './partition-progress.js';

export interface BatchHandlerDeps {
  processor: EventProcessor;
  lanes: UserLanes;
  /** Shares the consumer's capacity among projects by weight (ProjectQuota). */
  scheduler: FairScheduler;
  metrics: ConsumerMetrics;
  logger: Logger;
  progress: PartitionProgress;
  /** A span per message, continuing the producer's trace, when tracing is on. */
  tracer?: Tracer;
  /** Commits `offset` (the next one to read) for the partition. */
  commit(topic: string, partition: number, offset: string): Promise<void>;
}

/**
 * One fetched batch of one partition: each user's messages in offset order on that user's
 * lane, users concurrently. The offset is committed only when every message of the batch
 * is finalized (or buffered, which is durable in Redis), right after the batch completes.
 */
export function createBatchHandler(deps: BatchHandlerDeps) {
  return async ({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) => {
    if (batch.messages.length === 0) return;
    const byUser = new Map<string, KafkaMessage[]>();
    for (const m of batch.messages) {
      const user = m.key?.toString() ?? `${batch.partition}:${m.offset}`;
      const list = byUser.get(user);
      if (list) list.push(m);
      else byUser.set(user, [m]);
    }

    deps.progress.batchStarted(batch.partition);
    let abandoned = false;
    const beat = setInterval(() => void heartbeat().catch(() => {}), 1000);
    try {
      const outcomes = await Promise.allSettled(
        [...byUser].map(([user, messages]) =>
          deps.lanes.run(user, async () => {
            for (const m of messages) {
              if (!isRunning() || isStale()) {
                abandoned = true;
                return;
              }
              const where = {
                topic: batch.topic,
                partition: batch.partition,
                offset: m.offset,
                key: m.key?.toString() ?? null,
              };
              const { tracer } = deps;
              const decoded = deps.processor.decode(m.value, where);
              await deps.scheduler.use(projectKeyOf(decoded.event), () =>
                tracer
                  ? context.with(contextFromHeaders(m.headers), () =>
                      inSpan(tracer, 'process event', () => deps.processor.process(decoded)),
                    )
                  : deps.processor.process(decoded),
              );
            }
          }),
        ),
      );
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) throw failure.reason;
    } finally {
      clearInterval(beat);
    }
    // Stopping or rebalanced away mid-batch: whatever was not processed is redelivered.
    if (abandoned) return;
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await deps.commit(batch.topic, batch.partition, next);
    resolveOffset(batch.lastOffset());
    deps.progress.batchFinished(batch.partition, batch.offsetLag() === '0');
    deps.metrics.batches.inc();
  };
}
