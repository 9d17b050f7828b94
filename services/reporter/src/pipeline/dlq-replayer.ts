import { pipelineKeys as k, type Redis } from '@evh/redis';
import { reporterErrors } from '../errors.js';
import { type ReplayStart, replayDeadLetterScript } from '../redis/scripts.js';

/** The one Kafka write the reporter makes: a dead letter's event back onto the events topic. */
export interface EventResender {
  /** Resolves once Kafka acknowledged every message (acks=all). */
  resend(messages: { key: string; value: string }[]): Promise<void>;
}

export type ReplayOutcome = 'queued' | 'replaying' | 'replayed';

export interface ReplayResult {
  eventId: string;
  outcome: ReplayOutcome;
  /** How many replays this letter has had, this one included. */
  replays: number;
}

export interface BulkReplayResult {
  /** Letters produced again by this call. */
  queued: number;
  /** Letters this call skipped: being replayed, replayed, or not events at all. */
  skipped: number;
  /** Letters still waiting for a replay after this call: call again while it is above 0. */
  remaining: number;
}

export interface DlqReplayerOptions {
  /** A replay not finalized after this long may be produced again (default 30 s). */
  staleAfterMs?: number;
  now?: () => number;
}

/**
 * Replays dead letters. The state lives in Redis (replay-dead-letter.lua begins a replay,
 * the consumer's finalize-event.lua ends it), so any reporter replica may be asked, and
 * asked twice: only the first call of a replay produces the event.
 */
export function createDlqReplayer(
  redis: Redis,
  resender: EventResender | undefined,
  o: DlqReplayerOptions = {},
) {
  const now = o.now ?? Date.now;
  const staleAfter = o.staleAfterMs ?? 30_000;
  const keysOf = (eventId: string) => ({
    dlq: k.dlq(eventId),
    dlqDead: k.dlqDead(),
    dedup: k.dedup(eventId),
    event: k.event(eventId),
    counters: k.counters(),
  });

  function need(): EventResender {
    if (!resender) throw reporterErrors.KAFKA_UNAVAILABLE('this reporter has no Kafka producer');
    return resender;
  }

  async function produce(starts: { eventId: string; start: ReplayStart }[]): Promise<void> {
    const messages = starts.flatMap(({ eventId, start }) =>
      // Keyed as the ingest keys events, so the copy lands on its user's partition.
      start.outcome === 'queued' ? [{ key: start.userId || eventId, value: start.eventJson }] : [],
    );
    if (messages.length === 0) return;
    try {
      await need().resend(messages);
    } catch (err) {
      // The letters stay `replaying`; a replay after staleAfterMs produces them again.
      throw reporterErrors.KAFKA_UNAVAILABLE(`the replay was not written to Kafka: ${String(err)}`, {
        cause: err,
      });
    }
  }

  return {
    async replay(eventId: string): Promise<ReplayResult> {
      need();
      const start = await replayDeadLetterScript.run(redis, keysOf(eventId), {
        eventId,
        now: now(),
        staleAfter,
      });
      if (start.outcome === 'missing') throw reporterErrors.DLQ_NOT_FOUND(`no dead letter ${eventId}`);
      if (start.outcome === 'not_replayable') {
        throw reporterErrors.DLQ_NOT_REPLAYABLE(`${eventId} was not an event (it did not decode)`);
      }
      await produce([{ eventId, start }]);
      return { eventId, outcome: start.outcome, replays: start.replays };
    },

    /** Replays the `limit` oldest letters waiting for one: bounded, so a call stays short. */
    async replayOldest(limit: number): Promise<BulkReplayResult> {
      need();
      const ids = await redis.zrange(k.dlqDead(), 0, limit - 1);
      const pipeline = redis.pipeline();
      const at = now();
      for (const eventId of ids) {
        replayDeadLetterScript.queue(pipeline, keysOf(eventId), { eventId, now: at, staleAfter });
      }
      const replies = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      const starts = replies.map(([err, raw], i) => {
        if (err) throw err;
        return { eventId: ids[i] ?? '', start: replayDeadLetterScript.parse(raw) };
      });
      await produce(starts);
      const queued = starts.filter((s) => s.start.outcome === 'queued').length;
      return { queued, skipped: starts.length - queued, remaining: await redis.zcard(k.dlqDead()) };
    },
  };
}

export type DlqReplayer = ReturnType<typeof createDlqReplayer>;
