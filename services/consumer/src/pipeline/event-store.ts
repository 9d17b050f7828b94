import type { EventMessage } from '@evh/events';
import { pipelineKeys as k, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import {
  applyPlainEventsScript,
  beginEventScript,
  finalizeEventScript,
  releaseWaitingScript,
  renewLocksScript,
  unlockEventScript,
} from '../redis/pipeline-scripts.js';

export type BeginVerdict = 'dup' | 'busy' | 'buffered' | 'run' | 'late';

/**
 * Where an event's time went, kept in its record beside processedAt, so a late event can be
 * explained afterwards: receivedAt (ingest) → loggedAt → readAt → startedAt → processedAt.
 */
export interface StageTimes {
  /** The Kafka record's timestamp: when the ingest's producer built the request that wrote it. */
  loggedAt?: number;
  /** When this consumer fetched it. */
  readAt?: number;
  /** When its turn came: after its user's earlier events and the fair scheduler. */
  startedAt: number;
}

export interface Finalization {
  status: 'processed' | 'failed';
  attempts: number;
  error?: string;
  /** Absent for an event released from the seq buffer (it was not read from Kafka just now). */
  times?: StageTimes;
}

/** What apply-plain-events.lua did with each event of a run, in order. */
export type PlainVerdict = 'processed' | 'late' | 'dup' | 'buffered';

export interface PlainRun {
  /** One per event of the run, in order. */
  verdicts: PlainVerdict[];
  /** The JSON of the user's next buffered event when its turn has now come. */
  following: string | null;
}

const PLAIN_VERDICTS: Record<string, PlainVerdict> = {
  p: 'processed',
  l: 'late',
  d: 'dup',
  b: 'buffered',
};

export type Release =
  | { kind: 'stalled'; json: string }
  | { kind: 'skipped'; json: string; from: number; to: number };

export interface EventStore {
  begin(event: EventMessage, json: string): Promise<BeginVerdict>;
  /**
   * Processes a run of one user's plain events (no business logic outside Redis) in one
   * script call, shared with the other runs queued in the same turn of the event loop:
   * decision and final state at once, atomically, so no lock is taken.
   */
  applyPlain(userId: string, events: { event: EventMessage; json: string }[]): Promise<PlainRun>;
  /**
   * Returns the JSON of the user's next buffered event when its turn has now come. Throws
   * LOCK_LOST, writing nothing, when this process no longer holds the event's lock.
   */
  finalize(event: EventMessage, json: string, result: Finalization): Promise<string | null>;
  /**
   * Releases the user's next buffered event when due. `caughtUpSince` is when the user's
   * partition was last caught up (undefined: behind, or not ours): a gap is only skipped
   * once it has been open that long while nothing more was left to read.
   */
  release(userId: string, caughtUpSince: number | undefined): Promise<Release | null>;
  unlock(eventId: string): Promise<boolean>;
  /** Extends the locks of these events (ours); returns the ids whose lock is not ours any more. */
  renew(eventIds: string[]): Promise<string[]>;
  /** Users whose buffered events have waited since before `olderThan` (ms). */
  waitingUsers(olderThan: number, limit: number): Promise<string[]>;
}

export interface EventStoreOptions {
  /** Identifies this process's locks, so it never releases another holder's. */
  lockToken: string;
  lockTtlMs: number;
  retentionMs: number;
  gapTimeoutMs: number;
  stallGraceMs: number;
  now?: () => number;
}

/**
 * Events applied by one apply-plain-events.lua call at most: a call costs about as much as a
 * few events of its own, and Redis serves nothing else while it runs (about 3 ms for 250).
 */
const MAX_EVENTS_PER_CALL = 250;

interface QueuedRun {
  userId: string;
  events: { event: EventMessage; json: string }[];
  resolve(run: PlainRun): void;
  reject(err: unknown): void;
}

/** The pipeline's Redis state, one Lua script per decision. Keys come from pipelineKeys. */
export function createEventStore(redis: Redis, options: EventStoreOptions): EventStore {
  const now = options.now ?? Date.now;
  const seqOf = (e: EventMessage) => (e.payload.seq === undefined ? '' : String(e.payload.seq));
  let queued: QueuedRun[] = [];
  let queuedEvents = 0;
  let flushTimer: NodeJS.Immediate | undefined;

  /** Sends the queued runs in one script call; each caller gets its run's verdicts or the error. */
  function flushPlain(): void {
    if (flushTimer) clearImmediate(flushTimer);
    flushTimer = undefined;
    const runs = queued;
    queued = [];
    queuedEvents = 0;
    if (runs.length === 0) return;
    const keys: string[] = [];
    const argv: (string | number)[] = [];
    for (const { userId, events } of runs) {
      keys.push(k.order(userId), k.seqNext(userId), k.seqBuffer(userId));
      argv.push(userId, events.length);
      for (const { event, json } of events) {
        keys.push(k.event(event.id), k.dedup(event.id));
        argv.push(event.type, seqOf(event), json);
      }
    }
    applyPlainEventsScript
      .run(
        redis,
        { seqWaiting: k.seqWaiting(), counters: k.counters() },
        { now: now(), retention: options.retentionMs },
        { keys, argv },
      )
      .then(
        (replies) => {
          runs.forEach((run, i) => {
            const reply = replies[i];
            const verdicts: PlainVerdict[] = [];
            for (const letter of reply?.letters ?? '') verdicts.push(PLAIN_VERDICTS[letter] as PlainVerdict);
            run.resolve({ verdicts, following: reply?.following ?? null });
          });
        },
        (err: unknown) => {
          for (const run of runs) run.reject(err);
        },
      );
  }

  return {
    begin(event, json) {
      return beginEventScript.run(
        redis,
        {
          dedup: k.dedup(event.id),
          inflight: k.inflight(event.id),
          seqNext: k.seqNext(event.userId),
          seqBuf: k.seqBuffer(event.userId),
          seqWaiting: k.seqWaiting(),
        },
        {
          lockToken: options.lockToken,
          lockExpiry: options.lockTtlMs,
          seq: seqOf(event),
          // Kept only when an event with a seq is early: no copy of every crash over the wire.
          messageJson: seqOf(event) === '' ? '' : json,
          now: now(),
          userId: event.userId,
          retention: options.retentionMs,
        },
      );
    },

    applyPlain(userId, events) {
      return new Promise<PlainRun>((resolve, reject) => {
        queued.push({ userId, events, resolve, reject });
        queuedEvents += events.length;
        // Runs queued in the same turn of the event loop share a call; a full call goes now.
        if (queuedEvents >= MAX_EVENTS_PER_CALL) flushPlain();
        else flushTimer ??= setImmediate(flushPlain);
      });
    },

    async finalize(event, json, result) {
      const { outcome, following } = await finalizeEventScript.run(
        redis,
        {
          event: k.event(event.id),
          dedup: k.dedup(event.id),
          inflight: k.inflight(event.id),
          order: k.order(event.userId),
          seqNext: k.seqNext(event.userId),
          seqBuf: k.seqBuffer(event.userId),
          seqWaiting: k.seqWaiting(),
          counters: k.counters(),
          dlqList: k.dlqList(),
          dlq: k.dlq(event.id),
          dlqDead: k.dlqDead(),
        },
        {
          lockToken: options.lockToken,
          status: result.status,
          now: now(),
          attempts: result.attempts,
          eventId: event.id,
          userId: event.userId,
          type: event.type,
          seq: seqOf(event),
          error: result.error ?? '',
          retention: options.retentionMs,
          // Kept only with a dead letter.
          eventJson: result.status === 'failed' ? json : '',
          loggedAt: result.times?.loggedAt ?? '',
          readAt: result.times?.readAt ?? '',
          startedAt: result.times?.startedAt ?? '',
        },
      );
      if (outcome === 'lost') throw consumerErrors.LOCK_LOST(`${event.id}: lock expired before finalize`);
      return following;
    },

    async release(userId, caughtUpSince) {
      const out = await releaseWaitingScript.run(
        redis,
        {
          seqNext: k.seqNext(userId),
          seqBuf: k.seqBuffer(userId),
          seqWaiting: k.seqWaiting(),
          counters: k.counters(),
        },
        {
          userId,
          now: now(),
          gapTimeout: options.gapTimeoutMs,
          stallGrace: options.stallGraceMs,
          retention: options.retentionMs,
          lastCaughtUp: caughtUpSince ?? -1,
        },
      );
      // A buffered entry can vanish (retention) between the decision and the read.
      if (!out?.[1]) return null;
      if (out[0] === 'stalled') return { kind: 'stalled', json: out[1] };
      return { kind: 'skipped', json: out[1], from: Number(out[2]), to: Number(out[3]) };
    },

    unlock(eventId) {
      return unlockEventScript.run(
        redis,
        { inflight: k.inflight(eventId) },
        { lockToken: options.lockToken },
      );
    },

    async renew(eventIds) {
      if (eventIds.length === 0) return [];
      const lost = await renewLocksScript.run(
        redis,
        {},
        { lockToken: options.lockToken, lockExpiry: options.lockTtlMs },
        { keys: eventIds.map((id) => k.inflight(id)) },
      );
      return lost.map((i) => eventIds[i - 1] as string);
    },

    async waitingUsers(olderThan, limit) {
      return redis.zrangebyscore(k.seqWaiting(), '-inf', olderThan, 'LIMIT', 0, limit);
    },
  };
}
