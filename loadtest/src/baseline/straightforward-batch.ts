import type { EachBatchPayload, KafkaMessage } from '@evh/kafka/kafkajs';
import { pipelineKeys, type Redis } from '@evh/redis';

export interface StraightforwardOptions {
  redis: Redis;
  /** Identifies this process's locks. */
  lockToken: string;
  lockTtlMs: number;
  /** How long the final state and the dedup marker live (the platform's RETENTION_MS). */
  retentionMs: number;
}

interface Parsed {
  id: string;
  userId: string;
  type: string;
  payload?: { seq?: number };
}

/**
 * The consumer the drain benchmark compares ours with: the design anyone would write first
 * with kafkajs and Redis. Each event is its own five awaited round trips (lock, final
 * state, dedup marker, order list, unlock), one event after the other within a partition,
 * the partitions side by side. It guarantees less than ours (no dedup check, no seq
 * buffering, no retries or dead letters, no durability wait before a commit): it is the
 * floor ours must beat, not a rival implementation.
 */
export function createStraightforwardBatch({
  redis,
  lockToken,
  lockTtlMs,
  retentionMs,
}: StraightforwardOptions) {
  async function apply(message: KafkaMessage): Promise<void> {
    const event = JSON.parse(message.value?.toString() ?? '') as Parsed;
    const lock = pipelineKeys.inflight(event.id);
    const got = await redis.set(lock, lockToken, 'PX', lockTtlMs, 'NX');
    // Someone else holds it: fail the batch, kafkajs reads it again from the last resolved offset.
    if (got !== 'OK') throw new Error(`event ${event.id} is locked by another consumer`);
    const seq = event.payload?.seq;
    await redis.hset(pipelineKeys.event(event.id), {
      status: 'processed',
      processedAt: Date.now(),
      attempts: 1,
      userId: event.userId,
      type: event.type,
      ...(seq === undefined ? {} : { seq }),
    });
    await redis.set(pipelineKeys.dedup(event.id), '1', 'PX', retentionMs);
    if (seq !== undefined) await redis.rpush(pipelineKeys.order(event.userId), seq);
    await redis.del(lock);
  }

  return async ({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload) => {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      await apply(message);
      // Per message, so a failure later in the batch does not redo the events before it.
      resolveOffset(message.offset);
      // Per message too (kafkajs sends one only once heartbeatInterval has passed): a batch of
      // a thousand events at five round trips each outlasts the session on a loaded machine,
      // and the rebalance would hand the uncommitted half of the batch out a second time.
      await heartbeat();
    }
    // With autoCommit and no interval or threshold this is a no-op and kafkajs commits the
    // resolved offsets right after the batch: one commit per batch, as the docs' pattern.
    await commitOffsetsIfNecessary();
  };
}
