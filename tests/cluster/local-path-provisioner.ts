/**
 * The one-node cluster's dynamic provisioner (tests/infra/cluster.sh runs it on the host):
 * a claim of StorageClass `local-path` gets a PersistentVolume on a folder of the host, and
 * the folder goes when the claim does. It polls once a second rather than watching: a dev
 * cluster has a handful of claims, and a poll cannot miss an event.
 *
 *   node local-path-provisioner.js --kubeconfig FILE --dir DIR --node NAME
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { type LocalPathOptions, planVolume, releasedPath } from './local-path.js';

const { values } = parseArgs({
  options: { kubeconfig: { type: 'string' }, dir: { type: 'string' }, node: { type: 'string' } },
});
if (!values.kubeconfig || !values.dir || !values.node) {
  process.stderr.write('usage: local-path-provisioner --kubeconfig FILE --dir DIR --node NAME\n');
  process.exit(2);
}
const options: LocalPathOptions = { dir: values.dir, node: values.node };
const kc = new KubeConfig();
kc.loadFromFile(values.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);

async function provision(): Promise<void> {
  const claims = await core.listPersistentVolumeClaimForAllNamespaces();
  for (const pvc of claims.items) {
    const pv = planVolume(pvc, options);
    if (!pv) continue;
    const path = pv.spec?.hostPath?.path as string;
    await mkdir(path, { recursive: true });
    // Any pod user may write: the pod's uid is not known when the claim is made, and a
    // hostPath volume ignores fsGroup.
    await chmod(path, 0o777);
    try {
      await core.createPersistentVolume({ body: pv });
      log(`provisioned ${pv.metadata?.name} for ${pvc.metadata?.namespace}/${pvc.metadata?.name} at ${path}`);
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
  }
}

async function reclaim(): Promise<void> {
  const volumes = await core.listPersistentVolume();
  for (const pv of volumes.items) {
    const path = releasedPath(pv, options);
    if (!path) continue;
    await rm(path, { recursive: true, force: true });
    await core.deletePersistentVolume({ name: pv.metadata?.name as string });
    log(`deleted ${pv.metadata?.name} and ${path}`);
  }
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
process.on('SIGINT', () => {
  stopping = true;
});
while (!stopping) {
  try {
    await provision();
    await reclaim();
  } catch (err) {
    log(`error: ${(err as Error).message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
