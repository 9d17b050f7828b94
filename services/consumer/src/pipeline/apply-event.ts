import type { EventMessage } from '@evh/events';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from './event-processor.js';

/**
 * The business logic per event kind. A plain event has no side effect beyond its final
 * state and counters (written atomically by finalize); `payload.fail === true` is the
 * built-in way to make it fail, which exercises retries and the dead-letter path.
 */
export function createApplyEvent(handlers: Record<string, ApplyEvent> = {}): ApplyEvent {
  return async (event: EventMessage) => {
    if (event.payload.fail === true) {
      throw consumerErrors.PROCESSING_FAILED('payload.fail is true');
    }
    const handler = handlers[event.kind];
    if (handler) await handler(event);
  };
}
