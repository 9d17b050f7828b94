import { minuteOf } from '@evh/quota';

/**
 * A refusal is remembered this long at most, whatever the script said: a quota raised
 * meanwhile applies within a second even for a project whose next token is far off.
 */
export const MAX_REMEMBERED_MS = 1000;

export interface RefusedCount {
  projectId: string;
  /** The usage minute (minuteOf) the refusals belong to. */
  minute: number;
  count: number;
}

/**
 * Projects over their quota, remembered until their bucket can pass an item again (the
 * admission script's retry-after), the way Relay caches rate limits: until then their items
 * are refused here, without a Redis round trip each, which is what a flood costs the ingest
 * and Redis most of. Sound with any number of ingest replicas: no replica can take a token
 * before that time. The refusals are counted here and added to each project's usage by the
 * limiter's next flush.
 */
export interface RefusalCache {
  /** ms until the project's bucket can pass an item; 0 when it is not known to be empty. */
  refusedFor(projectId: string, now: number): number;
  remember(projectId: string, now: number, retryAfterMs: number): void;
  /** Counts a refusal decided here against the project's usage of that minute. */
  count(projectId: string, now: number): void;
  /** The refusals counted since the last take, emptied. */
  take(): RefusedCount[];
  /** Puts counts back (a flush that failed), so they are added by the next one. */
  restore(counts: RefusedCount[]): void;
}

export function createRefusalCache(): RefusalCache {
  const until = new Map<string, number>();
  let counts = new Map<string, RefusedCount>();
  const add = (projectId: string, minute: number, n: number) => {
    const key = `${projectId}\n${minute}`;
    const entry = counts.get(key);
    if (entry) entry.count += n;
    else counts.set(key, { projectId, minute, count: n });
  };
  return {
    refusedFor(projectId, now) {
      const end = until.get(projectId);
      if (end === undefined) return 0;
      if (end > now) return end - now;
      until.delete(projectId);
      return 0;
    },
    remember(projectId, now, retryAfterMs) {
      if (retryAfterMs <= 0) return;
      until.set(projectId, now + Math.min(retryAfterMs, MAX_REMEMBERED_MS));
    },
    count(projectId, now) {
      add(projectId, minuteOf(now), 1);
    },
    take() {
      const taken = [...counts.values()];
      counts = new Map();
      return taken;
    },
    restore(taken) {
      for (const c of taken) add(c.projectId, c.minute, c.count);
    },
  };
}
