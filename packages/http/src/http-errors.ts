import { defineErrors } from '@evh/lifecycle';

/** Errors any service's HTTP side answers with; services add their own in their errors.ts. */
export const httpErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, retriable: false },
  NOT_FOUND: { status: 404, retriable: false },
  /** The request's headers or body arrived too slowly (see HttpLimits). */
  REQUEST_TIMEOUT: { status: 408, retriable: true },
  CONFLICT: { status: 409, retriable: false },
  /** A dependency failed in a way nobody coded: a refused connection, a socket reset. */
  DEPENDENCY_UNAVAILABLE: { status: 503, retriable: true },
  /** A bug: nothing coded it. The response says no more than this; the log has the error. */
  INTERNAL: { status: 500, retriable: false },
});
