import type { LogsConfig } from './logs-config.js';

export interface UserBurst {
  user: string;
  /** The user's events among the last `window` events. */
  count: number;
  window: number;
}

export interface UserBurstDetector {
  /** Feeds the next event's user (undefined when it has none); returns a burst starting here. */
  push(user: string | undefined): UserBurst | undefined;
}

/**
 * Flags a single user taking an outsized share of the last `windowSize` events (a spammer, a
 * retry loop, a card-testing bot): at least `minCount` events and `share` of the window. One
 * anomaly per user and episode; the episode ends when the user's count drops under the
 * threshold. Deterministic for a given input order.
 */
export function createUserBurstDetector(config: LogsConfig['userBurst']): UserBurstDetector {
  const { windowSize } = config;
  const threshold = Math.max(config.minCount, Math.ceil(config.share * windowSize));
  const ring: (string | undefined)[] = new Array(windowSize).fill(undefined);
  const counts = new Map<string, number>();
  const active = new Set<string>();
  let pos = 0;
  return {
    push(user) {
      const leaving = ring[pos];
      // The leaving user's count without it: still its count after the push unless it is the arriving user.
      let left = 0;
      if (leaving !== undefined) {
        left = (counts.get(leaving) ?? 1) - 1;
        if (left === 0) counts.delete(leaving);
        else counts.set(leaving, left);
      }
      ring[pos] = user;
      pos = (pos + 1) % windowSize;
      const count = user === undefined ? 0 : (counts.get(user) ?? 0) + 1;
      if (user !== undefined) counts.set(user, count);
      // Checked after the push: a busy user whose oldest event leaves as a new one arrives
      // is still in the same episode. Mostly no one is in an episode, so no lookup then.
      if (active.size > 0 && leaving !== undefined && leaving !== user && left < threshold) {
        active.delete(leaving);
      }
      if (user === undefined || count < threshold || active.has(user)) return undefined;
      active.add(user);
      return { user, count, window: windowSize };
    },
  };
}
