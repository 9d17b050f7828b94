import { setTimeout as sleep } from 'node:timers/promises';
import type { SentEvent } from './checker.js';

export interface EventLoadOptions {
  /** The ingest's base URL. */
  url: string;
  /** Events per second, all senders together. */
  rate: number;
  users: number;
  /** Each sender owns users/senders users and posts their events in order, one batch at a time. */
  senders: number;
  batchSize: number;
  /** Prefix of the client-chosen event ids and user ids: a run never meets another's. */
  runId: string;
  /** How long one request may take before the client gives up on it (and retries). */
  requestTimeoutMs?: number;
}

export interface LoadStats {
  requests: number;
  /** Answers by status; `error` for requests that got no answer (refused, reset, timed out). */
  statuses: Record<string, number>;
  /** 5xx answers other than a 503 with Retry-After (the documented answer to an outage). */
  unexpected5xx: number;
  /** 503s that came without Retry-After. */
  bare503: number;
  /** When each acknowledged batch was answered (ms since the epoch), for recovery times. */
  ackTimes: number[];
}

export interface EventLoad {
  readonly stats: LoadStats;
  /** Every event generated so far, acknowledged or not. */
  readonly sent: SentEvent[];
  /** Stops generating; batches not acknowledged yet are retried until `deadline` (ms since epoch). */
  stop(deadline?: number): Promise<void>;
}

/**
 * A load of client-chosen event ids at a fixed rate, the way an SDK with a retry queue sends:
 * each sender owns a set of users and posts their events in seq order, and a batch that is
 * not acknowledged (503, 5xx, no answer) is sent again, same ids and seqs, until it is. So an
 * outage delays events but loses none on the client's side, and the ingest's dedup of
 * resent ids is part of what the checker checks.
 */
export function startEventLoad(o: EventLoadOptions): EventLoad {
  const stats: LoadStats = { requests: 0, statuses: {}, unexpected5xx: 0, bare503: 0, ackTimes: [] };
  const sent: SentEvent[] = [];
  let generating = true;
  let retryUntil = Number.POSITIVE_INFINITY;
  const intervalMs = (o.senders * o.batchSize * 1000) / o.rate;

  async function post(batch: SentEvent[]): Promise<boolean> {
    stats.requests++;
    const body = JSON.stringify({
      events: batch.map((e) => ({ eventId: e.id, userId: e.userId, type: 'chaos', payload: { seq: e.seq } })),
    });
    try {
      const res = await fetch(`${o.url}/events/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(o.requestTimeoutMs ?? 10_000),
      });
      const key = String(res.status);
      stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
      if (res.status === 503 && !res.headers.get('retry-after')) stats.bare503++;
      else if (res.status >= 500 && res.status !== 503) stats.unexpected5xx++;
      if (res.status !== 202) {
        await res.body?.cancel();
        return false;
      }
      const { results } = (await res.json()) as { results: { eventId: string; status: string }[] };
      const accepted = new Set(results.filter((r) => r.status === 'accepted').map((r) => r.eventId));
      for (const e of batch) if (accepted.has(e.id)) e.acked = true;
      stats.ackTimes.push(Date.now());
      return batch.every((e) => e.acked);
    } catch {
      stats.statuses.error = (stats.statuses.error ?? 0) + 1;
      return false;
    }
  }

  async function sender(index: number): Promise<void> {
    const users = Array.from(
      { length: Math.ceil((o.users - index) / o.senders) },
      (_, i) => `${o.runId}-u${index + i * o.senders}`,
    );
    const nextSeq = new Map(users.map((u) => [u, 1]));
    let turn = 0;
    let next = Date.now();
    while (generating) {
      const batch: SentEvent[] = [];
      for (let i = 0; i < o.batchSize; i++) {
        const userId = users[turn++ % users.length] as string;
        const seq = nextSeq.get(userId) as number;
        nextSeq.set(userId, seq + 1);
        batch.push({ id: `${userId}-${seq}`, userId, seq, acked: false });
      }
      sent.push(...batch);
      // Resend until acknowledged: the next batch of these users waits, so seqs arrive in order.
      while (!(await post(batch)) && Date.now() < retryUntil) {
        await sleep(250);
        // Only the items not accepted yet are sent again.
        const rest = batch.filter((e) => !e.acked);
        if (rest.length === 0) break;
        batch.splice(0, batch.length, ...rest);
      }
      next += intervalMs;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      else next = Date.now();
    }
  }

  const running = Promise.all(Array.from({ length: o.senders }, (_, i) => sender(i)));
  return {
    stats,
    sent,
    async stop(deadline = Date.now() + 60_000) {
      generating = false;
      retryUntil = deadline;
      await running;
    },
  };
}
