export interface BackoffDelayOptions {
  /** The wait after the first failure; each next one is `factor` times longer. */
  initialMs: number;
  /** Default 2 (doubling). */
  factor?: number;
  /** No wait is longer than this (before jitter). */
  maxMs: number;
  /**
   * Up to this fraction is added at random (0.25: up to 25 % longer), so that many callers
   * that failed together do not all try again together. Default 0: exactly the doubling.
   */
  jitter?: number;
  /** For tests: a number in [0, 1). */
  random?: () => number;
}

/**
 * The wait before try `failures + 1`, after `failures` failures in a row (1 for the first):
 * initialMs multiplied by the factor per failure, capped at maxMs, plus the jitter. The one
 * formula of exponential backoff of the code base, so that every loop that retries backs off
 * alike.
 */
export function backoffDelay(failures: number, options: BackoffDelayOptions): number {
  // The exponent is bounded (2 ** 1024 is Infinity); any real cap is reached long before.
  const grown = options.initialMs * (options.factor ?? 2) ** Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(options.maxMs, grown);
  const jitter = options.jitter ?? 0;
  if (jitter === 0) return base;
  return Math.round(base * (1 + (options.random ?? Math.random)() * jitter));
}
