import { createPeriodicTask, type PeriodicTask } from '@evh/lifecycle';
import type { Logger } from 'pino';
import type { EventProcessor } from './event-processor.js';
import type { EventStore } from './event-store.js';

/**
 * Keeps this process's `inflight:` locks alive while their events run, so the lock's
 * expiry can be short: a consumer that dies (SIGKILL, OOM, a lost node) holds its users'
 * events for at most LOCK_TTL_MS, not for as long as an event might take. One script call
 * per tick extends every held lock; a lock found not ours any more (Redis was unreachable
 * past its expiry, and another consumer may have taken it) stops its event's finalize.
 */
export function createLockRenewer(deps: {
  store: EventStore;
  processor: EventProcessor;
  intervalMs: number;
  logger: Logger;
}): PeriodicTask {
  return createPeriodicTask({
    intervalMs: deps.intervalMs,
    async run() {
      const ids = [...deps.processor.held];
      if (ids.length === 0) return;
      const lost = await deps.store.renew(ids);
      // Ids finalized while the call was under way come back too; lockLost skips them.
      if (lost.length > 0) deps.processor.lockLost(lost);
    },
    onError: (err) => deps.logger.warn({ err }, 'lock renewal failed; trying again'),
  });
}

/** A third of the expiry, at most a second: two renewals can fail before a lock expires. */
export function lockRenewIntervalMs(lockTtlMs: number): number {
  return Math.max(20, Math.min(1000, Math.floor(lockTtlMs / 3)));
}
