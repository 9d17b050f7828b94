import type { Redis } from '@evh/redis';

export interface RedisPersistence {
  appendonly: string;
  appendfsync: string;
}

/**
 * What is wrong with Redis's persistence for the consumer's offset commits (ADR 0007), or
 * undefined. Offsets are committed DURABLE_AFTER_MS after an event's final state was
 * written; the state must be on disk by then, or a host crash loses an event for good.
 */
export function persistenceProblem(p: RedisPersistence, durableAfterMs: number): string | undefined {
  if (p.appendonly !== 'yes')
    return 'Redis has no AOF (appendonly no): a Redis restart loses processed state';
  // The kernel flushes about every 30 s under `appendfsync no`.
  const window = p.appendfsync === 'always' ? 0 : p.appendfsync === 'everysec' ? 2000 : 30_000;
  if (durableAfterMs < window) {
    return `appendfsync ${p.appendfsync} can lose the last ${window} ms on a host crash, but DURABLE_AFTER_MS is ${durableAfterMs}`;
  }
  return undefined;
}

/** Reads the server's persistence settings; undefined where CONFIG is not allowed (managed Redis). */
export async function readPersistence(redis: Redis): Promise<RedisPersistence | undefined> {
  try {
    const [, appendonly = ''] = (await redis.config('GET', 'appendonly')) as string[];
    const [, appendfsync = ''] = (await redis.config('GET', 'appendfsync')) as string[];
    return { appendonly, appendfsync };
  } catch {
    return undefined;
  }
}
