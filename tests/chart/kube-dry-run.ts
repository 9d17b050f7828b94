import assert from 'node:assert/strict';
import { randomName } from '@evh/testing';
import {
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

/** The test control plane that tests/run.sh starts (KUBECONFIG), as an object client. */
export function objectApi(): KubernetesObjectApi {
  const kc = new KubeConfig();
  kc.loadFromFile(
    process.env.KUBECONFIG ?? assert.fail('KUBECONFIG is not set: run the tests with `make test`'),
  );
  return KubernetesObjectApi.makeApiClient(kc);
}

/** Runs `fn` in a namespace of its own, deleted afterwards whatever happens. */
export async function withNamespace(
  fn: (api: KubernetesObjectApi, namespace: string) => Promise<void>,
): Promise<void> {
  const api = objectApi();
  const namespace = randomName('chart').toLowerCase();
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  try {
    await fn(api, namespace);
  } finally {
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }
}

/**
 * Server-side apply with dryRun=All of each object: validated and admitted by the API server,
 * stored nowhere, and indifferent to the CRD already existing (the controller tests install it).
 */
export async function dryRunApply(
  api: KubernetesObjectApi,
  namespace: string,
  objects: KubernetesObject[],
): Promise<void> {
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition') object.metadata = { ...object.metadata, namespace };
    await api.patch(object, undefined, 'All', 'evh-chart-test', true, PatchStrategy.ServerSideApply);
  }
}
