import type { EventMessage } from '@evh/events';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from './event-processor.js';

/**
 * The business logic per event kind. A plain event has no side effect beyond its final
 * state and counters (written atomically by finalize); `payload.fail === true` is the
 * built-in way to make it fail, which exercises retries and the dead-letter path;
 * `payload.failUntil` (ms since the epoch) fails it only until then, a transient failure
 * (a downstream outage) whose dead letter a replay after that time gets through.
 */
export function createApplyEvent(
  handlers: Record<string, ApplyEvent> = {},
  now: () => number = Date.now,
): ApplyEvent {
  return async (event: EventMessage) => {
    if (event.payload.fail === true) {
      throw consumerErrors.PROCESSING_FAILED('payload.fail is true');
    }
    const until = event.payload.failUntil;
    if (typeof until === 'number' && now() < until) {
      throw consumerErrors.PROCESSING_FAILED(`payload.failUntil is ${new Date(until).toISOString()}`);
    }
    const handler = handlers[event.kind];
    if (handler) await handler(event);
  };
}
