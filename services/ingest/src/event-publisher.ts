import type { EventMessage } from '@evh/events';
import type { BatchingProducer } from '@evh/kafka';
import { traceHeaders } from '@evh/telemetry';

export interface EventPublisher {
  /** Resolves once Kafka acknowledged every event (acks=all); rejects as a whole otherwise. */
  publish(events: EventMessage[]): Promise<void>;
}

/**
 * Keyed by userId, so one user's events share a partition and keep their relative order;
 * an event without a user (a crash report) is keyed by its id, which spreads a project's
 * crashes over every partition instead of piling them on one.
 */
export function createEventPublisher(producer: BatchingProducer, topic: string): EventPublisher {
  return {
    publish(events) {
      // One request's events share its trace context.
      const headers = traceHeaders();
      return producer.send(
        topic,
        events.map((e) => ({ key: e.userId || e.id, value: JSON.stringify(e), headers })),
      );
    },
  };
}
