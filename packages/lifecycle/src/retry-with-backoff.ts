import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** Whether this failure is worth another try (look at the error's code). */
  retriable(err: unknown): boolean;
  /** The first wait; each next one doubles, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** No try starts after this long since the first: the last error is thrown. */
  giveUpAfterMs: number;
  /** Checked before each wait: true ends the retries with the last error (shutting down). */
  stopped?(): boolean;
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
  /** For tests. */
  now?(): number;
  wait?(ms: number): Promise<unknown>;
}

/**
 * Calls `call` until it succeeds, a failure is not retriable, or the time is up; waits
 * between tries double (with up to 25 % jitter, so many callers that failed together do not
 * retry together). The one backoff loop of the code base.
 */
export async function retryWithBackoff<T>(call: () => Promise<T>, o: BackoffOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const wait = o.wait ?? sleep;
  const start = now();
  let delay = o.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const jittered = Math.round(delay * (1 + Math.random() * 0.25));
      if (!o.retriable(err) || o.stopped?.() || now() - start + jittered > o.giveUpAfterMs) throw err;
      o.onRetry?.(err, attempt, jittered);
      await wait(jittered);
      delay = Math.min(o.maxDelayMs, delay * 2);
    }
  }
}
