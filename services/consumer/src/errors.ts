import { defineErrors } from '@evh/lifecycle';

/**
 * The consumer's failures. `retriable` decides what happens next: a retriable failure of
 * the event's own processing is tried again (3 attempts) and then dead-lettered; a
 * non-retriable one is dead-lettered at once; an infrastructure failure is never
 * finalized, so the batch is not committed and Kafka delivers it again.
 */
export const consumerErrors = defineErrors({
  PROCESSING_FAILED: { status: 500, retriable: true },
  INVALID_MESSAGE: { status: 400, retriable: false },
  SHUTTING_DOWN: { status: 503, retriable: true },
  LOCK_TIMEOUT: { status: 503, retriable: true },
});
