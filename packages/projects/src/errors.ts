import { defineErrors } from '@evh/lifecycle';

/**
 * Authentication and project errors. No message ever repeats a credential: they name what
 * was missing or refused, never the value given.
 */
export const authErrors = defineErrors({
  /** No credential at all. */
  AUTH_REQUIRED: { status: 401, retriable: false },
  /** A credential that is unknown, revoked or past its grace period. */
  AUTH_INVALID: { status: 401, retriable: false },
  /** A valid credential of another project, or of a kind this route does not take. */
  AUTH_FORBIDDEN: { status: 403, retriable: false },
  /** Too many failed attempts from this address. */
  AUTH_THROTTLED: { status: 429, retriable: true },
  /** The credentials have not been read yet (Redis unreachable since start). */
  AUTH_UNAVAILABLE: { status: 503, retriable: true },
  PROJECT_EXISTS: { status: 409, retriable: false },
  PROJECT_NOT_FOUND: { status: 404, retriable: false },
  KEY_NOT_FOUND: { status: 404, retriable: false },
});
