import { defineErrors, isCodedError } from '@evh/lifecycle';

/**
 * The consumer's failures. `retriable` decides what happens next: a retriable failure of
 * the event's own processing is tried again (3 attempts) and then dead-lettered; a
 * non-retriable one is dead-lettered at once; an infrastructure failure (below) is never
 * an attempt and never finalized: it is retried until the infrastructure is back, or the
 * message is read again from Kafka.
 */
export const consumerErrors = defineErrors({
  PROCESSING_FAILED: { status: 500, retriable: true },
  INVALID_MESSAGE: { status: 400, retriable: false },
  SHUTTING_DOWN: { status: 503, retriable: true },
  LOCK_TIMEOUT: { status: 503, retriable: true },
  /** Our lock expired and was not ours any more at renewal or at finalize. */
  LOCK_LOST: { status: 503, retriable: true },
  REDIS_UNAVAILABLE: { status: 503, retriable: true },
  /**
   * An upload job's file is not in object storage (deleted, expired, never written): the job
   * fails with it (see jobs/job-failure.ts), since reading again cannot find it.
   */
  FILE_MISSING: { status: 404, retriable: false },
  /** A crash's issue number was not its fingerprint's twice in a row (Redis replaced meanwhile). */
  STALE_ISSUE_NUMBER: { status: 503, retriable: true },
});

/** Codes that say the platform, not the event, failed (other packages' codes included). */
const INFRASTRUCTURE_CODES = new Set([
  'SHUTTING_DOWN',
  'LOCK_TIMEOUT',
  'LOCK_LOST',
  'REDIS_UNAVAILABLE',
  'KAFKA_UNAVAILABLE',
  'STORAGE_UNAVAILABLE',
  // PostgreSQL (@evh/db): a job's record is written when its last chunk is applied.
  'DB_UNAVAILABLE',
]);

// ioredis gives connection trouble no code of its own: these are its messages (offline
// queue off, connection dropped, commandTimeout) and the socket errors under them.
const REDIS_DOWN_MESSAGES = [/^Connection is closed/, /^Stream isn't writeable/, /^Command timed out/];
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
]);
// Replies of a Redis that is up but cannot serve yet: loading its AOF after a restart, a
// script over its time limit, a replica without its master.
const REDIS_NOT_SERVING = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;

/**
 * The failure as an infrastructure error, or undefined when it is the event's own. Raw
 * ioredis errors become REDIS_UNAVAILABLE here, so every retry decision reads a code.
 */
export function asInfrastructureError(err: unknown) {
  if (isCodedError(err)) return INFRASTRUCTURE_CODES.has(err.code) ? err : undefined;
  const e = err as { name?: string; message?: string; code?: string } | undefined;
  const message = e?.message ?? '';
  const down =
    e?.name === 'MaxRetriesPerRequestError' ||
    REDIS_DOWN_MESSAGES.some((m) => m.test(message)) ||
    SOCKET_CODES.has(e?.code ?? '') ||
    REDIS_NOT_SERVING.test(message);
  return down ? consumerErrors.REDIS_UNAVAILABLE(message, { cause: err }) : undefined;
}
