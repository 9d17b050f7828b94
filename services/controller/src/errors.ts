import { defineErrors } from '@evh/lifecycle';

/** Every error the controller raises; the work queue retries the retriable ones with backoff. */
export const controllerErrors = defineErrors({
  /** Redis refused or did not answer a quota write or read. */
  QUOTA_SYNC_FAILED: { status: 503, retriable: true },
  /** The Kubernetes API refused or did not answer (status, scale, lease, event). */
  KUBE_API_FAILED: { status: 503, retriable: true },
  /** No lag has been read yet (Kafka not answering since the start). */
  LAG_UNKNOWN: { status: 503, retriable: true },
  /** The consumer Deployment to scale does not exist. */
  SCALE_TARGET_MISSING: { status: 404, retriable: true },
});
