import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { QUOTA_GROUP, QUOTA_PLURAL, QUOTA_VERSION } from '@evh/quota';
import { randomName, tempDir, testEnv, waitFor } from '@evh/testing';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadAllYaml,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { CRD_FILE, repoRoot } from './manifest-files.js';

/*
 * The test side of a real kube-apiserver (tests/infra/kube.sh, started by tests/run.sh):
 * namespaces isolate the tests as random key prefixes do in Redis.
 */

export function kubeconfigPath(): string {
  const path = process.env.KUBECONFIG;
  if (!path) {
    throw new Error(
      'KUBECONFIG must point at a test control plane: run `make test`, or eval "$(KUBE_DIR=$(mktemp -d) KUBE_PORTS=free bash tests/infra/kube.sh start)"',
    );
  }
  return path;
}

export function adminConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  return kc;
}

/**
 * The objects of a committed manifest, as the typed clients want them: their models rename
 * some fields (`default` is `_default`), so plain parsed YAML would lose those on the way.
 */
export function readManifest<T = Record<string, unknown>>(relativePath: string): T[] {
  return loadAllYaml(readFileSync(join(repoRoot, relativePath), 'utf8')) as T[];
}

/** Installs the committed CRD (create, or replace what an earlier test file installed) and waits until it is served. */
export async function installCrd(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(join(repoRoot, CRD_FILE), 'utf8'));
  const name = crd.metadata?.name as string;
  try {
    await api.createCustomResourceDefinition({ body: crd });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
    const current = await api.readCustomResourceDefinition({ name });
    await api.replaceCustomResourceDefinition({
      name,
      body: { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata?.resourceVersion } },
    });
  }
  await waitFor(
    'the CRD to be established',
    async () => {
      const c = await api.readCustomResourceDefinition({ name });
      return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  const custom = kc.makeApiClient(CustomObjectsApi);
  await waitFor(
    'ProjectQuotas to be served',
    async () => {
      await custom.listNamespacedCustomObject({
        group: QUOTA_GROUP,
        version: QUOTA_VERSION,
        namespace: 'default',
        plural: QUOTA_PLURAL,
      });
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

export async function createNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = randomName(prefix).toLowerCase().slice(0, 63);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

export function quotaApi(kc: KubeConfig) {
  const api = kc.makeApiClient(CustomObjectsApi);
  const at = (namespace: string) => ({
    group: QUOTA_GROUP,
    version: QUOTA_VERSION,
    plural: QUOTA_PLURAL,
    namespace,
  });
  return {
    create: (namespace: string, name: string, spec: Record<string, unknown>) =>
      api.createNamespacedCustomObject({
        ...at(namespace),
        body: {
          apiVersion: `${QUOTA_GROUP}/${QUOTA_VERSION}`,
          kind: 'ProjectQuota',
          metadata: { name },
          spec,
        },
      }),
    get: (namespace: string, name: string) => api.getNamespacedCustomObject({ ...at(namespace), name }),
    list: (namespace: string) => api.listNamespacedCustomObject(at(namespace)),
    /** A merge patch of the spec, as `kubectl patch --type merge` does. */
    patchSpec: async (namespace: string, name: string, spec: Record<string, unknown>) => {
      const current = await api.getNamespacedCustomObject({ ...at(namespace), name });
      return api.replaceNamespacedCustomObject({
        ...at(namespace),
        name,
        body: { ...current, spec: { ...current.spec, ...spec } },
      });
    },
    delete: (namespace: string, name: string) => api.deleteNamespacedCustomObject({ ...at(namespace), name }),
  };
}

/** The Ready condition of a ProjectQuota, once it has one that describes its current generation. */
export async function readyOf(kc: KubeConfig, namespace: string, name: string) {
  const q = await quotaApi(kc).get(namespace, name);
  const ready = q.status?.conditions?.find((c: { type: string }) => c.type === 'Ready') as
    | { status: string; reason: string; message: string; observedGeneration?: number }
    | undefined;
  if (!ready || q.status?.observedGeneration !== q.metadata?.generation) return undefined;
  return ready;
}

/** A Deployment the autoscaler can scale. Without a kubelet no pod ever runs: only the API object matters. */
export async function createDeployment(
  kc: KubeConfig,
  namespace: string,
  name: string,
  replicas: number,
): Promise<void> {
  const labels = { app: name };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'consumer', image: 'event-horizon/consumer:test' }] },
        },
      },
    },
  });
}

export async function replicasOf(kc: KubeConfig, namespace: string, name: string): Promise<number> {
  const scale = await kc.makeApiClient(AppsV1Api).readNamespacedDeploymentScale({ name, namespace });
  return scale.spec?.replicas ?? 0;
}

/**
 * A kubeconfig file for a ServiceAccount, with a token from the TokenRequest API: the
 * identity a controller pod would have.
 */
export async function serviceAccountKubeconfig(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<string> {
  const { status } = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = kc.getCurrentCluster();
  const file = join(tempDir('evh-sa-'), 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'evh', cluster: { server: cluster?.server, 'certificate-authority-data': cluster?.caData } },
    ],
    users: [{ name, user: { token: status?.token } }],
    contexts: [{ name: 'evh', context: { cluster: 'evh', user: name, namespace } }],
    'current-context': 'evh',
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

/**
 * GET as `kubectl get` does, asking the server for a Table: what the printer columns show.
 */
export function getTable(
  kc: KubeConfig,
  path: string,
): Promise<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }> {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const url = new URL(path, cluster?.server);
  return new Promise((ok, fail) => {
    const req = request(
      url,
      {
        ca: Buffer.from(cluster?.caData ?? '', 'base64'),
        headers: {
          authorization: `Bearer ${user?.token}`,
          accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () =>
          res.statusCode === 200 ? ok(JSON.parse(body)) : fail(new Error(`${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** The environment of a controller process under test: its own namespace, Redis prefix and topic. */
export function controllerEnv(options: {
  kubeconfig: string;
  namespace: string;
  prefix: string;
  topic?: string;
  group?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const env = testEnv();
  return {
    KUBECONFIG: options.kubeconfig,
    WATCH_NAMESPACE: options.namespace,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    REDIS_URL: env.redisUrl,
    REDIS_KEY_PREFIX: options.prefix,
    EVENTS_TOPIC: options.topic ?? randomName('ctl-topic'),
    CONSUMER_GROUP: options.group ?? randomName('ctl-group'),
    LEASE_DURATION_MS: '3000',
    LEASE_RENEW_DEADLINE_MS: '2000',
    LEASE_RETRY_PERIOD_MS: '250',
    USAGE_REFRESH_MS: '500',
    LAG_POLL_INTERVAL_MS: '500',
    ...options.extra,
  };
}

/** Kept here too: every controller test reads its metrics through this fixture. */
export { metricValue } from '@evh/testing';

export async function statusOf(
  url: string,
): Promise<{ leading: boolean; leaseHolder: string | null; quotasSynced: boolean }> {
  const res = await fetch(`${url}/v1/status`);
  return (await res.json()) as { leading: boolean; leaseHolder: string | null; quotasSynced: boolean };
}
