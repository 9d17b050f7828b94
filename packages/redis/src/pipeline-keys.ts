/**
 * Every Redis key of the event pipeline. The names before the colon are a public contract
 * (clients and the seed's tests read them), so they are written here once and nowhere else.
 * Keys starting with `event:` are only the final-state hashes.
 */
export const pipelineKeys = {
  /** Hash: the event's final state; its fields are eventRecord's (event-record.ts). */
  event: (eventId: string) => `event:${eventId}`,
  /** String: present once the event is finalized; the idempotency marker. */
  dedup: (eventId: string) => `dedup:${eventId}`,
  /** String with expiry: the processing lock, value = the holder's token. */
  inflight: (eventId: string) => `inflight:${eventId}`,
  /** List: the seqs of a user in the order they were processed. */
  order: (userId: string) => `order:${userId}`,
  /** List: ids of dead-lettered events. */
  dlqList: () => 'dlq:list',
  /** Hash: a dead letter and its replays; its fields are deadLetterRecord's (dead-letter-record.ts). */
  dlq: (eventId: string) => `dlq:${eventId}`,
  /** ZSet: ids of dead letters waiting for a replay (state dead), scored by queuedAt. */
  dlqDead: () => 'dlq:dead',
  /** ZSet: the user's sliding rate-limit window, scored by ms. */
  rate: (userId: string) => `rate:${userId}`,
  /** String: the next seq a user's events are waiting for (absent = 1). */
  seqNext: (userId: string) => `seq:next:${userId}`,
  /** Hash: seq -> message JSON, events that arrived before their turn. */
  seqBuffer: (userId: string) => `seq:buf:${userId}`,
  /** ZSet: users with buffered events, scored by when their current wait began. */
  seqWaiting: () => 'seq:waiting',
  /** Hash: pipeline-wide counters (processed, failed, duplicates, gaps skipped, per type). */
  counters: () => 'counters:events',
} as const;
