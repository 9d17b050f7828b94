import { defineErrors } from '@evh/lifecycle';

/**
 * The ingest's own errors (request validation errors come from @evh/http); the status comes
 * from here and nowhere else.
 */
export const ingestErrors = defineErrors({
  RATE_LIMITED: { status: 429, retriable: true },
  RATE_LIMIT_UNAVAILABLE: { status: 503, retriable: true },
  UPLOAD_NOT_MULTIPART: { status: 415, retriable: false },
  UPLOAD_WRONG_TYPE: { status: 415, retriable: false },
  UPLOAD_TOO_LARGE: { status: 413, retriable: false },
  UPLOAD_MISSING_FILE: { status: 400, retriable: false },
  UPLOAD_EMPTY: { status: 400, retriable: false },
  UPLOAD_INCOMPLETE: { status: 400, retriable: false },
  UPLOAD_BAD_FIELD: { status: 400, retriable: false },
  /** A Content-Encoding other than gzip, deflate, br or identity. */
  ENCODING_UNSUPPORTED: { status: 415, retriable: false },
  /** A body that does not decompress as its Content-Encoding says. */
  ENCODING_INVALID: { status: 400, retriable: false },
  /** A body over the size limit once decompressed. */
  DECODED_TOO_LARGE: { status: 413, retriable: false },
  /** A Sentry envelope or event that cannot be read. */
  SENTRY_BAD_ENVELOPE: { status: 400, retriable: false },
});
