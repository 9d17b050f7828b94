import { defineErrors } from '@evh/lifecycle';

/** Every error the ingest answers with; the status comes from here and nowhere else. */
export const ingestErrors = defineErrors({
  RATE_LIMITED: { status: 429, retriable: true },
  RATE_LIMIT_UNAVAILABLE: { status: 503, retriable: true },
});
