import { defineErrors } from '@evh/lifecycle';

export const storageErrors = defineErrors({
  /** The object is not in the store (deleted, expired, never written). */
  OBJECT_NOT_FOUND: { status: 404, retriable: false },
  /** The store did not answer or refused: worth trying again later. */
  STORAGE_UNAVAILABLE: { status: 503, retriable: true },
});
