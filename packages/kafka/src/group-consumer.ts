import type { Logger } from 'pino';
import type { ConsumedMessage } from './messages.js';

/** One fetch of one partition, handed to the batch handler. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Messages between the batch's last one and the partition's end ('0': caught up). */
  offsetLag(): string;
  lastOffset(): string;
}

/** What a batch handler gets: the batch, and the calls that tie its progress to the group. */
export interface BatchContext {
  batch: ConsumedBatch;
  /** The next fetch of the partition starts after `offset` (nothing is committed by it). */
  resolveOffset(offset: string): void;
  /** Tells the group this member is alive; rejects once the partition was taken away. */
  heartbeat(): Promise<void>;
  /** False once the consumer stops. */
  isRunning(): boolean;
  /** True once a rebalance made this batch another member's. */
  isStale(): boolean;
}

export type BatchHandler = (context: BatchContext) => Promise<void>;

/** An offset to commit: the next one to read, as Kafka's protocol has it. */
export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * What the event dispatcher asks of the consumer, for one topic. pause, resume and seek
 * throw while the consumer is between a crash and its restart (no group then).
 */
export interface PartitionControl {
  pause(partition: number): void;
  resume(partition: number): void;
  /** The next fetch of the partition starts at `offset`. */
  seek(partition: number, offset: string): void;
  commit(offsets: { partition: number; offset: string }[]): Promise<void>;
}

export interface ConsumerSettings {
  groupId: string;
  /** A member not heard from for this long is dropped from the group. */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** How long a fetch waits for data before it returns what it has. */
  maxWaitTimeMs: number;
}

export interface RunSettings {
  topics: string[];
  /** Where a group without a committed offset starts: the first retained message, or the end. */
  fromBeginning: boolean;
  /** Partitions whose batches are handled at once. */
  partitionsConsumedConcurrently: number;
  /** Offsets are resolved and committed by the handler's owner, never by the client. */
  eachBatch: BatchHandler;
  logger: Logger;
  /** The first restart's delay after a crash the client gave up on; doubles up to the max. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Called before each such restart, for a metric. */
  onRestart?: (attempt: number, error: Error) => void;
}

export interface RunningConsumer {
  /** Restarts done after crashes the client gave up on. */
  readonly restarts: number;
  /** No restart after this; idempotent. Call before disconnecting the consumer. */
  stop(): void;
}

/** A member of a consumer group, with manual offsets: the part of a client our services use. */
export interface GroupConsumer {
  /** Connects, subscribes and runs, and keeps running after crashes (see runConsumer). */
  run(settings: RunSettings): Promise<RunningConsumer>;
  /** Pause, resume, seek and commit on one topic's partitions. */
  partitions(topic: string): PartitionControl;
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Called on each join of the group, with the partitions this member got, by topic. */
  onGroupJoin(listener: (assignment: Readonly<Record<string, number[]>>) => void): void;
  /** Called on each crash; `restarting` says whether the client restarts by itself. */
  onCrash(listener: (error: Error, restarting: boolean) => void): void;
  /** Leaves the group; idempotent. */
  disconnect(): Promise<void>;
}
