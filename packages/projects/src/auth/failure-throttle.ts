export interface FailureThrottleOptions {
  /** Failed attempts an address may make in one window before it is refused. */
  limit: number;
  windowMs: number;
  /** Addresses tracked at most; the oldest window is dropped past that (memory stays bounded). */
  maxAddresses?: number;
  now?: () => number;
}

export interface FailureThrottle {
  /** How long (ms) the address is still refused; 0 when it is not. */
  blockedFor(address: string): number;
  /** Counts a failed attempt. */
  fail(address: string): void;
}

/**
 * Slows down guessing: an address that failed `limit` times within a window is refused
 * (429) until that window ends, whatever it sends, so a right guess cannot be told from a
 * wrong one meanwhile. Per process: each replica counts its own, which bounds a guesser to
 * `limit × replicas` tries a window, far below what 160-bit keys need.
 */
export function createFailureThrottle(options: FailureThrottleOptions): FailureThrottle {
  const now = options.now ?? Date.now;
  const max = options.maxAddresses ?? 10_000;
  const windows = new Map<string, { start: number; count: number }>();

  function current(address: string): { start: number; count: number } | undefined {
    const w = windows.get(address);
    if (w && now() - w.start >= options.windowMs) {
      windows.delete(address);
      return undefined;
    }
    return w;
  }

  return {
    blockedFor(address) {
      const w = current(address);
      if (!w || w.count < options.limit) return 0;
      return w.start + options.windowMs - now();
    },
    fail(address) {
      const w = current(address);
      if (w) {
        w.count++;
        return;
      }
      // A Map iterates in insertion order: the first entry is the oldest window.
      if (windows.size >= max) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.set(address, { start: now(), count: 1 });
    },
  };
}
