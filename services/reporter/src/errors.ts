import { defineErrors } from '@evh/lifecycle';

/** The reporter's own codes, beside @evh/http's and @evh/projects'. */
export const reporterErrors = defineErrors({
  /** The event has no final state (unknown, buffered or in progress). */
  EVENT_NOT_FOUND: { status: 404, retriable: false },
  /** No dead letter of that id (never one, or past its retention). */
  DLQ_NOT_FOUND: { status: 404, retriable: false },
  /** The dead letter was not an event (a message that did not decode): replaying cannot help. */
  DLQ_NOT_REPLAYABLE: { status: 409, retriable: false },
  /** The reporter has no Kafka producer (not configured) or Kafka refused the write. */
  KAFKA_UNAVAILABLE: { status: 503, retriable: true },
});
