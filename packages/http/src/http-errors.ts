import { defineErrors } from '@evh/lifecycle';

/** Errors any service's HTTP side answers with; services add their own in their errors.ts. */
export const httpErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, retriable: false },
  NOT_FOUND: { status: 404, retriable: false },
  CONFLICT: { status: 409, retriable: false },
});
