import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from './backoff-delay.js';
import { isRetriable } from './coded-error.js';

export interface BackoffOptions {
  /**
   * Whether this failure is worth another try. Default isRetriable: the error's code decides,
   * an uncoded failure is assumed transient. A narrower test still goes through the code.
   */
  retriable?(err: unknown): boolean;
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
 * between tries double (backoffDelay, with up to 25 % jitter, so many callers that failed
 * together do not retry together). The one retry loop of the code base.
 */
export async function retryWithBackoff<T>(call: () => Promise<T>, o: BackoffOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const wait = o.wait ?? sleep;
  const retriable = o.retriable ?? isRetriable;
  const start = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const delay = backoffDelay(attempt, { initialMs: o.initialDelayMs, maxMs: o.maxDelayMs, jitter: 0.25 });
      if (!retriable(err) || o.stopped?.() || now() - start + delay > o.giveUpAfterMs) throw err;
      o.onRetry?.(err, attempt, delay);
      await wait(delay);
    }
  }
}
