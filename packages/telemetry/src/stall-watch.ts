/** What a worker looks like at one moment, as the stall rule needs it. */
export interface WorkObservation {
  /** A number that grows whenever work is done (events finalized, offsets committed). */
  progress: number;
  /** Work is waiting: fetched and unfinished, or fetchable (lag). */
  hasWork: boolean;
  /** What the work needs answers (Kafka, Redis): if not, restarting would not help. */
  dependenciesUp: boolean;
}

export interface StallState {
  progress: number | undefined;
  /** The last observation saw work waiting, dependencies up. */
  waiting: boolean;
  /** Since when the worker has been waiting so without making progress. */
  since: number;
}

/**
 * The stall rule, pure: a worker is alive unless it has had work and working dependencies
 * for `stallMs` without making progress. Idle time and dependency outages restart the clock,
 * so an idle worker is never restarted, nor one that only waits for Kafka to come back. The
 * clock starts at the first observation that sees the work, not at the idle one before it:
 * a stall is reported late by up to one observation interval, never early.
 */
export function observeStall(
  state: StallState,
  seen: WorkObservation,
  at: number,
  stallMs: number,
): { state: StallState; alive: boolean } {
  const waiting = seen.hasWork && seen.dependenciesUp;
  if (seen.progress !== state.progress || !waiting || !state.waiting) {
    return { state: { progress: seen.progress, waiting, since: at }, alive: true };
  }
  return { state, alive: at - state.since < stallMs };
}

export interface StallWatchOptions {
  stallMs: number;
  observe: () => WorkObservation | Promise<WorkObservation>;
  now?: () => number;
}

/**
 * A liveness check from the stall rule. The worker is observed when the check runs (each
 * liveness probe), so a stall is reported at most one probe period late, never early.
 */
export function createStallWatch(options: StallWatchOptions): () => Promise<boolean> {
  const now = options.now ?? Date.now;
  let state: StallState = { progress: undefined, waiting: false, since: now() };
  return async () => {
    const seen = await options.observe();
    const next = observeStall(state, seen, now(), options.stallMs);
    state = next.state;
    return next.alive;
  };
}
