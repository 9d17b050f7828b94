import { createPeriodicTask } from './periodic-task.js';
import { singleFlight } from './single-flight.js';

export interface PeriodicProbeOptions {
  /** Time between the end of one check and the start of the next. */
  intervalMs: number;
  /** A check that has not settled in this long counts as failed. */
  timeoutMs: number;
  /** Told of every change of state (up to down and back), for a log line. */
  onChange?: (up: boolean, err: unknown) => void;
  now?: () => number;
}

export interface PeriodicProbe<T> {
  /** The last check succeeded. False until the first one has. */
  readonly up: boolean;
  /** What the last check returned while up; undefined while down (not the last good value). */
  readonly value: T | undefined;
  /** When a check last succeeded (`now()` of its end), undefined if none has. */
  readonly lastSuccessAt: number | undefined;
  /** Runs the first check, resolves with its outcome, then checks every interval until stopped. */
  start(): Promise<boolean>;
  /** A check now, unless one is running: then that one's outcome (single flight). */
  check(): Promise<boolean>;
  /** Idempotent; waits for nothing that may hang (a check past its time is abandoned). */
  stop(): void;
}

/**
 * A dependency's state now, kept up to date in the background so a probe handler reads it
 * without waiting on the dependency. One check at a time, each bounded by timeoutMs: a check
 * that hangs (a broker that stopped answering but keeps its sockets open) is abandoned and
 * counts as failed, and the next check starts on schedule instead of queueing behind it.
 */
export function createPeriodicProbe<T>(
  check: () => Promise<T>,
  options: PeriodicProbeOptions,
): PeriodicProbe<T> {
  const now = options.now ?? Date.now;
  let up = false;
  let value: T | undefined;
  let lastSuccessAt: number | undefined;
  let started = false;

  function settle(ok: boolean, result: T | undefined, err: unknown): boolean {
    const changed = ok !== up;
    up = ok;
    value = ok ? result : undefined;
    if (ok) lastSuccessAt = now();
    if (changed) options.onChange?.(ok, err);
    return ok;
  }

  function bounded(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let done = false;
      const deadline = setTimeout(() => {
        done = true;
        resolve(settle(false, undefined, new Error(`no answer within ${options.timeoutMs} ms`)));
      }, options.timeoutMs);
      deadline.unref();
      // A late answer of an abandoned check is ignored: a newer check owns the state.
      check().then(
        (result) => {
          if (done) return;
          done = true;
          clearTimeout(deadline);
          resolve(settle(true, result, undefined));
        },
        (err: unknown) => {
          if (done) return;
          done = true;
          clearTimeout(deadline);
          resolve(settle(false, undefined, err));
        },
      );
    });
  }

  const runCheck = singleFlight(bounded);

  // Checks never fail (a failure is a state), so the loop has nothing to report.
  const loop = createPeriodicTask({
    intervalMs: options.intervalMs,
    run: async () => {
      await runCheck();
    },
    onError: () => {},
  });

  return {
    get up() {
      return up;
    },
    get value() {
      return value;
    },
    get lastSuccessAt() {
      return lastSuccessAt;
    },
    async start() {
      if (started) return up;
      started = true;
      const ok = await runCheck();
      loop.start();
      return ok;
    },
    check: runCheck,
    stop() {
      // Not awaited: a check under way is bounded by timeoutMs and its outcome no longer read.
      void loop.stop();
    },
  };
}
