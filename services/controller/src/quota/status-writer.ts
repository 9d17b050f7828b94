import { QUOTA_GROUP, QUOTA_PLURAL, QUOTA_VERSION } from '@evh/quota';
import { type CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { controllerErrors } from '../errors.js';
import { isNotFound } from '../kube/api-status.js';
import type { StatusWriter } from './quota-reconciler.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Patches the status subresource (a merge patch: the conditions list is replaced whole). A
 * resource deleted meanwhile is fine: its deletion is reconciled next.
 */
export function createStatusWriter(api: CustomObjectsApi): StatusWriter {
  return async (namespace, name, status) => {
    try {
      await api.patchNamespacedCustomObjectStatus(
        {
          group: QUOTA_GROUP,
          version: QUOTA_VERSION,
          plural: QUOTA_PLURAL,
          namespace,
          name,
          body: { status },
        },
        mergePatch,
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw controllerErrors.KUBE_API_FAILED(`status of ${namespace}/${name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
}
