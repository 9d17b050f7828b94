import { inSpan } from '@evh/telemetry';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { EventStore } from './event-store.js';

/** The Redis span's attributes (OpenTelemetry database conventions). */
function redisCall(script: string, count: number) {
  return {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'redis',
      'db.operation.name': 'EVALSHA',
      'db.query.summary': script,
      'messaging.batch.message_count': count,
    },
  };
}

/**
 * The store with its finalizing calls in CLIENT spans, children of the process span that
 * runs them: `finalize event` (one event's final state) and `finalize events` (a run of plain
 * events applied and finalized in one script call). The other calls stay untraced: they are
 * the same round trip before the work, and finalize is what marks an event done.
 */
export function traceFinalize(store: EventStore, tracer: Tracer): EventStore {
  return {
    ...store,
    finalize: (event, json, result) =>
      inSpan(
        tracer,
        'finalize event',
        () => store.finalize(event, json, result),
        redisCall('finalize-event', 1),
      ),
    applyPlain: (userId, events) =>
      inSpan(
        tracer,
        'finalize events',
        () => store.applyPlain(userId, events),
        redisCall('apply-plain-events', events.length),
      ),
  };
}
