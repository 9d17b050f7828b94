import { defineErrors } from '@evh/lifecycle';

export const kafkaErrors = defineErrors({
  /** The broker did not acknowledge in time or is unreachable: the write may be retried. */
  KAFKA_UNAVAILABLE: { status: 503, retriable: true },
  /** The producer is closing: no new writes are taken. */
  KAFKA_CLOSING: { status: 503, retriable: true },
});
