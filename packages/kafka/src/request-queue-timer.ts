import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 keeps a 1 ms timer going on every broker connection once it has answered one
 * request, for the life of the connection (kafkajs issues 1556 and 1704): its
 * `scheduleCheckPendingRequests` arms a timer whenever none is armed, even with nothing
 * pending and nothing throttled, and the check it runs arms the next one. Each idle producer
 * wakes about 900 times a second and spends ~6 % of a core doing so (measured here), and on
 * two cores every service's wake-ups delay every other's. ADR 0024.
 */

/** The fields of kafkajs's RequestQueue that the check uses. */
export interface PendingCheckQueue {
  pending: unknown[];
  /** Epoch ms until which the broker asked us to hold requests; -1 when never throttled. */
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

/** kafkajs's own re-check delay once a throttle is over (its CHECK_PENDING_REQUESTS_INTERVAL). */
export const RECHECK_MS = 10;

/**
 * A timer only when there is something to send later: requests wait in `pending` only when
 * the in-flight limit or the broker's throttle held them. The in-flight case is also
 * re-checked by kafkajs on every answer; the throttle case needs the timer, at the throttle's
 * end, or RECHECK_MS when that is already past (never 0: kafkajs's fix for a throttle of a
 * millisecond that left a request unsent until the broker closed the connection).
 */
export function schedulePendingCheck(queue: PendingCheckQueue, now = Date.now()): void {
  if (queue.throttleCheckTimeoutId || queue.pending.length === 0) return;
  const untilUnthrottled = queue.throttledUntil - now;
  queue.throttleCheckTimeoutId = setTimeout(
    () => {
      queue.throttleCheckTimeoutId = null;
      queue.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : RECHECK_MS,
  );
}

/** The kafkajs release whose RequestQueue has the loop; another one is left as it is. */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';

let installed: boolean | undefined;

/**
 * Replaces RequestQueue's scheduler with schedulePendingCheck, once per process; true when the
 * installed kafkajs is the release with the loop. Called before any client is made.
 */
export function installPendingCheck(): boolean {
  if (installed !== undefined) return installed;
  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: { scheduleCheckPendingRequests?: () => void };
  };
  installed =
    version === PATCHED_KAFKAJS_VERSION &&
    typeof RequestQueue.prototype.scheduleCheckPendingRequests === 'function';
  if (installed) {
    RequestQueue.prototype.scheduleCheckPendingRequests = function (this: PendingCheckQueue) {
      schedulePendingCheck(this);
    };
  }
  return installed;
}
