/**
 * Messages as our code writes and reads them, whichever client carries them: the shapes of
 * the Kafka protocol (key, value, headers, offsets as decimal strings, which a 64-bit offset
 * needs), not of one library.
 */
export type MessageHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

/** A message to write. The key picks the partition (murmur2, as Java clients do: partitionOf). */
export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: MessageHeaders;
}

/** The messages of one write to one topic. */
export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

/** A message as read from a partition. */
export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers?: MessageHeaders;
}
