import type { EventMessage } from '@evh/events';
import { defineScripts, pipelineKeys as k, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import { consumerScripts } from '../redis/scripts.js';

export type BeginVerdict = 'dup' | 'busy' | 'buffered' | 'run' | 'late';

export interface Finalization {
  status: 'processed' | 'failed';
  attempts: number;
  error?: string;
}

export type Release =
  | { kind: 'stalled'; json: string }
  | { kind: 'skipped'; json: string; from: number; to: number };

export interface EventStore {
  begin(event: EventMessage, json: string): Promise<BeginVerdict>;
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

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** The pipeline's Redis state, one Lua script per decision. Keys come from pipelineKeys. */
export function createEventStore(redis: Redis, options: EventStoreOptions): EventStore {
  defineScripts(redis, consumerScripts);
  const cmd = redis as unknown as Record<
    'beginEvent' | 'finalizeEvent' | 'releaseWaiting' | 'unlockEvent' | 'renewLocks',
    Script
  >;
  const now = options.now ?? Date.now;
  const seqOf = (e: EventMessage) => (e.payload.seq === undefined ? '' : String(e.payload.seq));

  return {
    async begin(event, json) {
      return (await cmd.beginEvent.call(
        redis,
        k.dedup(event.id),
        k.inflight(event.id),
        k.seqNext(event.userId),
        k.seqBuffer(event.userId),
        k.seqWaiting(),
        options.lockToken,
        options.lockTtlMs,
        seqOf(event),
        json,
        now(),
        event.userId,
        options.retentionMs,
      )) as BeginVerdict;
    },

    async finalize(event, json, result) {
      const [outcome, following] = (await cmd.finalizeEvent.call(
        redis,
        k.event(event.id),
        k.dedup(event.id),
        k.inflight(event.id),
        k.order(event.userId),
        k.seqNext(event.userId),
        k.seqBuffer(event.userId),
        k.seqWaiting(),
        k.counters(),
        k.dlqList(),
        k.dlq(event.id),
        options.lockToken,
        result.status,
        now(),
        result.attempts,
        event.id,
        event.userId,
        event.type,
        seqOf(event),
        result.error ?? '',
        options.retentionMs,
        json,
      )) as [string, string | null];
      if (outcome === 'lost') throw consumerErrors.LOCK_LOST(`${event.id}: lock expired before finalize`);
      return following || null;
    },

    async release(userId, caughtUpSince) {
      const out = (await cmd.releaseWaiting.call(
        redis,
        k.seqNext(userId),
        k.seqBuffer(userId),
        k.seqWaiting(),
        k.counters(),
        userId,
        now(),
        options.gapTimeoutMs,
        options.stallGraceMs,
        options.retentionMs,
        caughtUpSince ?? -1,
      )) as [string, string, number?, number?] | null;
      // A buffered entry can vanish (retention) between the decision and the read.
      if (!out?.[1]) return null;
      if (out[0] === 'stalled') return { kind: 'stalled', json: out[1] };
      return { kind: 'skipped', json: out[1], from: Number(out[2]), to: Number(out[3]) };
    },

    async unlock(eventId) {
      return (await cmd.unlockEvent.call(redis, k.inflight(eventId), options.lockToken)) === 1;
    },

    async renew(eventIds) {
      if (eventIds.length === 0) return [];
      const keys = eventIds.map((id) => k.inflight(id));
      const lost = (await cmd.renewLocks.call(
        redis,
        keys.length,
        ...keys,
        options.lockToken,
        options.lockTtlMs,
      )) as number[];
      return lost.map((i) => eventIds[i - 1] as string);
    },

    async waitingUsers(olderThan, limit) {
      return redis.zrangebyscore(k.seqWaiting(), '-inf', olderThan, 'LIMIT', 0, limit);
    },
  };
}
