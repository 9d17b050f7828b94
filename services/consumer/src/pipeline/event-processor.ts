import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DeadLetter,
  decodeEventMessage,
  type EventMessage,
  eventIdSchema,
  PLAIN_EVENT_KIND,
} from '@evh/events';
import { backoffDelay, isRetriable } from '@evh/lifecycle';
import type { Logger } from 'pino';
import { asInfrastructureError, consumerErrors } from '../errors.js';
import type { ConsumerMetrics } from '../metrics.js';
import type { EventStore, Finalization, StageTimes } from './event-store.js';

/** The business logic of one event kind; throwing makes the attempt fail. */
export type ApplyEvent = (event: EventMessage) => Promise<void>;

export interface DeadLetterSink {
  send(userId: string, letter: DeadLetter): Promise<void>;
}

export interface EventProcessorDeps {
  store: EventStore;
  apply: ApplyEvent;
  deadLetters: DeadLetterSink;
  metrics: ConsumerMetrics;
  logger: Logger;
  maxAttempts: number;
  retryBackoffMs: number;
  /** How long to wait for another holder's lock before giving the batch back to Kafka. */
  lockWaitMs: number;
  /** Longest pause between two tries of a call that failed because Redis was unavailable. */
  maxInfraBackoffMs?: number;
  isStopping: () => boolean;
  now?: () => number;
}

export interface Where {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The Kafka record's timestamp (ms since the epoch, as kafkajs gives it). */
  timestamp?: string;
}

/** A message as read from Kafka: the event, its JSON, and why it was rejected if it was. */
export interface Decoded {
  event: EventMessage;
  json: string;
  /** Set for a message that is not an event: it is dead-lettered once, never run. */
  rejected?: string;
  /** When it was written to Kafka and read from it; absent for a released buffered event. */
  read?: Omit<StageTimes, 'startedAt'>;
}

export interface EventProcessor {
  /** Parses a Kafka message value once; a value that is not an event is marked rejected. */
  decode(value: Buffer | null, where: Where): Decoded;
  /** Processes a decoded message; resolves once it is finalized, buffered or a duplicate. */
  process(decoded: Decoded): Promise<void>;
  /**
   * A plain event: no business logic outside Redis and not asking to fail, so it needs no
   * lock, no attempts and no dead letter, and a run of them is applied in one script call.
   */
  isPlain(decoded: Decoded): boolean;
  /**
   * Processes a run of one user's plain events, in order, as process() would one by one;
   * resolves once each is finalized, buffered or a duplicate.
   */
  processPlain(userId: string, run: Decoded[]): Promise<void>;
  /** Event ids whose lock this process holds right now. */
  readonly held: ReadonlySet<string>;
  /**
   * The lock renewal found these locks not ours any more: their events are not finalized
   * here (another consumer may be running them) but read again from Kafka.
   */
  lockLost(eventIds: string[]): void;
}

export function createEventProcessor(deps: EventProcessorDeps): EventProcessor {
  const held = new Set<string>();
  const now = deps.now ?? Date.now;

  const lost = new Set<string>();
  const maxBackoff = deps.maxInfraBackoffMs ?? 1000;

  /** What to throw for a failed call, or undefined when Redis was unavailable: try again. */
  function giveUp(eventId: string, err: unknown): unknown {
    const infra = asInfrastructureError(err);
    if (infra?.code !== 'REDIS_UNAVAILABLE') return infra ?? err;
    if (deps.isStopping()) return consumerErrors.SHUTTING_DOWN(`abandoning ${eventId}`, { cause: err });
    if (lost.has(eventId)) return consumerErrors.LOCK_LOST(eventId, { cause: err });
    return undefined;
  }

  /**
   * Runs a call until it stops failing for infrastructure reasons: a Redis restart must not
   * burn the event's attempts or dead-letter it. Its own failures are thrown at once; so is
   * an infrastructure failure once we are stopping or the event's lock was lost, which
   * leaves the event unfinalized, to be read again from Kafka.
   */
  async function untilAvailable<T>(eventId: string, call: () => Promise<T>): Promise<T> {
    const backoff = { initialMs: Math.max(deps.retryBackoffMs, 10), maxMs: maxBackoff };
    for (let failures = 1; ; failures++) {
      try {
        return await call();
      } catch (err) {
        const fatal = giveUp(eventId, err);
        if (fatal !== undefined) throw fatal;
        // Once per call: an outage would otherwise log every event every second.
        if (failures === 1)
          deps.logger.warn({ err, eventId }, 'redis unavailable; trying again until it answers');
        await sleep(backoffDelay(failures, backoff));
      }
    }
  }

  /** Throws when the renewal found the lock lost: nothing more is done for the event here. */
  function stillHeld(eventId: string): void {
    if (lost.has(eventId)) throw consumerErrors.LOCK_LOST(`${eventId}: lock expired while processing`);
  }

  async function attempt(event: EventMessage): Promise<Finalization> {
    let error = '';
    for (let n = 1; n <= deps.maxAttempts; n++) {
      try {
        await untilAvailable(event.id, () => deps.apply(event));
        return { status: 'processed', attempts: n };
      } catch (err) {
        // Not the event's fault (stopping, lock lost): not an attempt, and not finalized.
        if (asInfrastructureError(err)) throw err;
        error = describe(err);
        // The error's code decides: a non-retriable one (an invalid message) fails at once.
        if (!isRetriable(err)) return { status: 'failed', attempts: n, error };
        // Uncapped: maxAttempts (a handful) bounds it.
        if (n < deps.maxAttempts)
          await sleep(backoffDelay(n, { initialMs: deps.retryBackoffMs, maxMs: Number.POSITIVE_INFINITY }));
      }
    }
    return { status: 'failed', attempts: deps.maxAttempts, error };
  }

  async function begin(event: EventMessage, json: string) {
    const deadline = now() + deps.lockWaitMs;
    for (let waits = 1; ; waits++) {
      const verdict = await untilAvailable(event.id, () => deps.store.begin(event, json));
      if (verdict !== 'busy') return verdict;
      // Another process holds the lock (a rebalance moved the partition mid-event): wait
      // for it to finalize or for its lock to expire, but never commit past it meanwhile.
      if (deps.isStopping()) throw consumerErrors.SHUTTING_DOWN(`abandoning ${event.id}`);
      if (now() > deadline) throw consumerErrors.LOCK_TIMEOUT(`${event.id} stayed locked`);
      await sleep(backoffDelay(waits, { initialMs: 20, maxMs: 250 }));
    }
  }

  /**
   * Runs one event to its final state; returns the user's next buffered event, if due.
   * `rejected` finalizes it as failed without running it (a message that is not an event).
   */
  async function processOne({ event, json, rejected, read }: Decoded): Promise<string | null> {
    const startedAt = now();
    const verdict = await begin(event, json);
    if (verdict === 'dup' || verdict === 'buffered') {
      deps.metrics.events.inc({ outcome: verdict === 'dup' ? 'duplicate' : 'buffered' });
      return null;
    }
    held.add(event.id);
    const end = deps.metrics.processSeconds.startTimer();
    try {
      const outcome: Finalization =
        rejected === undefined ? await attempt(event) : { status: 'failed', attempts: 1, error: rejected };
      const result: Finalization = read ? { ...outcome, times: { ...read, startedAt } } : outcome;
      stillHeld(event.id);
      if (result.status === 'failed') {
        // Produced before the final state is written: if we die in between, the event is
        // redelivered and this is repeated, so events.dlq is at-least-once and Redis once.
        await deps.deadLetters.send(event.userId, {
          id: event.id,
          error: result.error ?? 'unknown',
          attempts: result.attempts,
          queuedAt: now(),
          event,
        });
      }
      stillHeld(event.id);
      // Retried as it is: a finalize whose answer was lost is a dup the second time.
      const following = await untilAvailable(event.id, () => deps.store.finalize(event, json, result));
      deps.metrics.events.inc({ outcome: verdict === 'late' ? 'late' : result.status });
      return following;
    } catch (err) {
      // Not finalized (Redis or Kafka is down): free the lock so the redelivery need not
      // wait for it to expire. Best effort: if Redis is down the lock expires on its own.
      await deps.store.unlock(event.id).catch(() => false);
      throw err;
    } finally {
      end();
      held.delete(event.id);
      lost.delete(event.id);
    }
  }

  const isPlain = (d: Decoded) =>
    d.rejected === undefined &&
    d.event.kind === PLAIN_EVENT_KIND &&
    d.event.payload.fail !== true &&
    d.event.payload.failUntil === undefined;

  const outcomeOf = { processed: 'processed', late: 'late', dup: 'duplicate', buffered: 'buffered' } as const;

  /**
   * Applies a run in one script call (retried while Redis is unavailable: the script is
   * atomic, so a call whose answer was lost finds its events finalized).
   */
  async function plainRun(userId: string, run: Decoded[]): Promise<string | null> {
    const end = deps.metrics.processSeconds.startTimer();
    const { verdicts, following } = await untilAvailable(run[0]?.event.id ?? userId, () =>
      deps.store.applyPlain(userId, run),
    );
    end();
    const counts = new Map<string, number>();
    for (const v of verdicts) {
      const outcome = outcomeOf[v];
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    }
    // Counted per run, not per event: the metrics cost stays off the per-event path.
    for (const [outcome, n] of counts) deps.metrics.events.inc({ outcome }, n);
    return following;
  }

  /** Processes the buffered events whose turn came, one after another. */
  async function chain(following: string | null): Promise<void> {
    while (following) {
      const decoded = decodeMessage(following, null);
      following = isPlain(decoded)
        ? await plainRun(decoded.event.userId, [decoded])
        : await processOne(decoded);
    }
  }

  function decodeMessage(json: string, where: Where | null): Decoded {
    const decoded = decodeEventMessage(json);
    if (decoded.ok) return { event: decoded.message, json };
    // A poison message is dead-lettered once and never retried: retrying cannot fix it.
    const reason = consumerErrors.INVALID_MESSAGE(decoded.reason.slice(0, 500));
    const bad = invalidEvent(json, where, reason.message);
    const kept = JSON.stringify({ ...bad, payload: { raw: json.slice(0, 4096) } });
    return { event: bad, json: kept, rejected: `${reason.code}: ${reason.message}` };
  }

  function invalidEvent(json: string, where: Where | null, reason: string): EventMessage {
    // A buffered message was valid when it was buffered; `where` is only missing for those.
    let id = where ? `invalid:${where.topic}:${where.partition}:${where.offset}` : 'invalid:buffered';
    try {
      const raw = JSON.parse(json) as { id?: unknown };
      const parsed = eventIdSchema.safeParse(raw.id);
      if (parsed.success) id = parsed.data;
    } catch {
      // not JSON at all: keep the offset-derived id
    }
    deps.logger.warn({ id, reason, ...where }, 'invalid message');
    return {
      id,
      userId: where?.key ?? 'unknown',
      type: 'invalid',
      payload: {},
      timestamp: now(),
      kind: PLAIN_EVENT_KIND,
    };
  }

  return {
    held,
    lockLost(eventIds) {
      for (const id of eventIds) if (held.has(id)) lost.add(id);
    },
    decode(value, where) {
      const decoded = decodeMessage(value?.toString() ?? '', where);
      // Plain events keep no stamps (their one script call stays as it is): nothing to carry.
      if (isPlain(decoded)) return decoded;
      const loggedAt = Number(where.timestamp);
      decoded.read = { readAt: now(), ...(Number.isFinite(loggedAt) && loggedAt > 0 ? { loggedAt } : {}) };
      return decoded;
    },
    async process(decoded) {
      if (decoded.rejected !== undefined) {
        await processOne(decoded);
        return;
      }
      await chain(await processOne(decoded));
    },
    isPlain,
    async processPlain(userId, run) {
      if (run.length > 0) await chain(await plainRun(userId, run));
    },
  };
}

/** The error text kept with a failed event: its code first when it has one. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ? `${e.code}: ${e.message}` : String(e.message ?? err);
}
