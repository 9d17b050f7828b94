import { randomUUID } from 'node:crypto';

/**
 * The value the ingest writes for a plain `POST /events` event (toEventMessage in
 * services/ingest/src/event-publisher.ts), written out here rather than imported: the
 * benchmark must produce what the ingest produces today, not whatever a contract under
 * change would build.
 */
export interface DrainEventValue {
  id: string;
  userId: string;
  type: string;
  payload: { seq: number };
  timestamp: number;
  kind: 'event';
}

export interface DrainMessage {
  key: string;
  value: string;
  /** What the ingest's traceHeaders() gives with tracing off (the benchmark's setting): none. */
  headers: Record<string, string>;
}

export interface DrainMessagesOptions {
  events: number;
  users: number;
  /** The ingest's acceptance time; one value for the whole set, so every copy is identical. */
  now: number;
  newId?: () => string;
}

/**
 * The drain benchmark's data: events spread round-robin over the users, so every user's
 * events are interleaved with everyone else's, and each user's `payload.seq` counts 1, 2, 3…
 * in production order. Keyed by userId, as the ingest keys them, so one user shares a partition.
 */
export function drainMessages({
  events,
  users,
  now,
  newId = randomUUID,
}: DrainMessagesOptions): DrainMessage[] {
  const nextSeq = new Array<number>(users).fill(1);
  const messages: DrainMessage[] = [];
  for (let i = 0; i < events; i++) {
    const u = i % users;
    const seq = nextSeq[u] ?? 1;
    nextSeq[u] = seq + 1;
    const userId = `drain-user-${u}`;
    const value: DrainEventValue = {
      id: newId(),
      userId,
      type: 'drain',
      payload: { seq },
      timestamp: now,
      kind: 'event',
    };
    messages.push({ key: userId, value: JSON.stringify(value), headers: {} });
  }
  return messages;
}

/** How many events each user has in a set made by drainMessages. */
export function eventsPerUser(events: number, users: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let u = 0; u < Math.min(users, events); u++) {
    counts.set(`drain-user-${u}`, Math.floor(events / users) + (u < events % users ? 1 : 0));
  }
  return counts;
}
