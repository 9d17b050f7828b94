import type { EventMessage } from '@evh/events';
import type { BatchingProducer } from '@evh/kafka';
import { type ProduceTrace, sendTraced } from '@evh/telemetry';

export interface EventPublisher {
  /** Resolves once Kafka acknowledged every event (acks=all); rejects as a whole otherwise. */
  publish(events: EventMessage[]): Promise<void>;
}

/**
 * Keyed by userId, so one user's events share a partition and keep their relative order;
 * an event without a user (a crash report) is keyed by its id, which spreads a project's
 * crashes over every partition instead of piling them on one. With tracing on, each
 * destination partition's events are sent in a producer span of the request's trace, whose
 * context their headers carry to the consumer.
 */
export function createEventPublisher(
  producer: BatchingProducer,
  topic: string,
  tracing: Omit<ProduceTrace, 'topic'> = {},
): EventPublisher {
  return {
    publish(events) {
      return sendTraced(
        { ...tracing, topic },
        events.map((e) => ({ key: e.userId || e.id, value: JSON.stringify(e) })),
        (messages) => producer.send(topic, messages),
      );
    },
  };
}
