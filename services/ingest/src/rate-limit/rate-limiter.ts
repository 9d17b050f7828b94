import { defineScripts, pipelineKeys, type Redis } from '@evh/redis';
import { ingestErrors } from '../errors.js';
import { rateLimitScript as script } from '../redis/scripts.js';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** ms until a slot frees when refused; 0 when allowed. */
  retryAfterMs: number;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** One decision per item, in item order, taken atomically for the whole request. */
  check(items: { userId: string; eventId: string }[]): Promise<RateDecision[]>;
}

type RateLimitCommand = (numKeys: number, ...args: (string | number)[]) => Promise<number[]>;

export function createRateLimiter(
  redis: Redis,
  options: { limit: number; windowMs: number; now?: () => number },
): RateLimiter {
  defineScripts(redis, [script]);
  const run = (redis as unknown as Record<string, RateLimitCommand>)[script.name] as RateLimitCommand;
  const now = options.now ?? Date.now;
  return {
    limit: options.limit,
    windowMs: options.windowMs,
    async check(items) {
      if (items.length === 0) return [];
      const keyIndex = new Map<string, number>();
      const pairs: (string | number)[] = [];
      for (const { userId, eventId } of items) {
        let idx = keyIndex.get(userId);
        if (idx === undefined) {
          idx = keyIndex.size + 1;
          keyIndex.set(userId, idx);
        }
        pairs.push(idx, eventId);
      }
      const keys = [...keyIndex.keys()].map((u) => pipelineKeys.rate(u));
      let flat: number[];
      try {
        flat = await run.call(redis, keys.length, ...keys, now(), options.windowMs, options.limit, ...pairs);
      } catch (err) {
        throw ingestErrors.RATE_LIMIT_UNAVAILABLE(`rate limiter unavailable: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const out: RateDecision[] = [];
      for (let i = 0; i < flat.length; i += 3) {
        out.push({ allowed: flat[i] === 1, remaining: flat[i + 1] ?? 0, retryAfterMs: flat[i + 2] ?? 0 });
      }
      return out;
    },
  };
}
