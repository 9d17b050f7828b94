import { join } from 'node:path';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';

/** The StorageClass's provisioner name (tests/infra/cluster/addons.yaml). */
export const PROVISIONER = 'eventhorizon.io/local-path';
export const STORAGE_CLASS = 'local-path';
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

export interface LocalPathOptions {
  /** The host folder holding one folder per volume. */
  dir: string;
  /** The one node, which every volume is pinned to. */
  node: string;
}

/**
 * The PersistentVolume for a claim that waits for one of our class, or undefined when the
 * claim is not ours or is already bound. The PV names the claim in `claimRef`, so the PV
 * controller binds exactly that claim to it.
 */
export function planVolume(
  pvc: V1PersistentVolumeClaim,
  options: LocalPathOptions,
): V1PersistentVolume | undefined {
  const { metadata, spec, status } = pvc;
  if (!metadata?.uid || !metadata.name || !metadata.namespace || !spec) return undefined;
  if (spec.storageClassName !== STORAGE_CLASS || spec.volumeName) return undefined;
  if (status?.phase !== undefined && status.phase !== 'Pending') return undefined;
  if (metadata.deletionTimestamp) return undefined;
  const storage = spec.resources?.requests?.storage ?? '1Gi';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: volumeName(pvc), annotations: { [PROVISIONED_BY]: PROVISIONER } },
    spec: {
      capacity: { storage },
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      storageClassName: STORAGE_CLASS,
      persistentVolumeReclaimPolicy: 'Delete',
      volumeMode: spec.volumeMode ?? 'Filesystem',
      hostPath: { path: volumePath(pvc, options), type: 'DirectoryOrCreate' },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: metadata.namespace,
        name: metadata.name,
        uid: metadata.uid,
      },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [options.node] }],
            },
          ],
        },
      },
    },
  };
}

export function volumeName(pvc: V1PersistentVolumeClaim): string {
  return `pvc-${pvc.metadata?.uid}`;
}

export function volumePath(pvc: V1PersistentVolumeClaim, options: LocalPathOptions): string {
  const m = pvc.metadata ?? {};
  return join(options.dir, `${m.namespace}_${m.name}_${m.uid}`);
}

/**
 * The folder to delete for a volume of ours whose claim is gone (phase Released), or
 * undefined. Only folders directly inside `dir` are ever named, whatever the PV says.
 */
export function releasedPath(pv: V1PersistentVolume, options: LocalPathOptions): string | undefined {
  if (pv.metadata?.annotations?.[PROVISIONED_BY] !== PROVISIONER) return undefined;
  if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') return undefined;
  if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return undefined;
  const path = pv.spec?.hostPath?.path ?? '';
  const inside = path.startsWith(`${options.dir}/`) ? path.slice(options.dir.length + 1) : '';
  const unsafe = inside === '' || inside === '.' || inside === '..' || inside.includes('/');
  return unsafe ? undefined : path;
}
