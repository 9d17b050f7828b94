import type { KubernetesObject, V1Container, V1PodSpec } from '@kubernetes/client-node';

/** A Deployment or StatefulSet of a rendered chart, with what the tests read of it. */
export interface Workload {
  kind: string;
  name: string;
  replicas: number;
  pod: V1PodSpec;
}

export function workloads(objects: KubernetesObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => {
      const spec = (o as { spec: { replicas?: number; template: { spec: V1PodSpec } } }).spec;
      return {
        kind: o.kind ?? '',
        name: o.metadata?.name ?? '',
        replicas: spec.replicas ?? 1,
        pod: spec.template.spec,
      };
    });
}

/** Init containers first, then the pod's own. */
export function allContainers(pod: V1PodSpec): V1Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** The rendered object of that kind and name; undefined when the chart did not render it. */
export function find<T = KubernetesObject>(
  objects: KubernetesObject[],
  kind: string,
  name: string,
): T | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name) as T | undefined;
}

/** A CPU quantity ("150m", "1", "0.5") in millicores. */
export function cpuMillis(quantity: string | number): number {
  const text = String(quantity);
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!m?.[1]) throw new Error(`not a CPU quantity: ${text}`);
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

/**
 * What the scheduler reserves for one pod: the larger of its containers' sum and its largest
 * init container (init containers run one at a time, before the others).
 */
export function podCpuRequestMillis(pod: V1PodSpec): number {
  const request = (c: V1Container) => cpuMillis(c.resources?.requests?.cpu ?? '0');
  const sum = pod.containers.reduce((total, c) => total + request(c), 0);
  return Math.max(sum, ...(pod.initContainers ?? []).map(request));
}

/** The env value of a container's variable (undefined when unset or taken from elsewhere). */
export function envValue(c: V1Container, name: string): string | undefined {
  return c.env?.find((e) => e.name === name)?.value;
}
