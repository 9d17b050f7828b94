// `helm upgrade` rolls every Deployment while users post events, and loses nothing; then
// `helm uninstall` leaves no object of the release behind (its volumes included).
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '@evh/testing';
import { runEventLoad, verifyProcessed } from './event-load.js';
import { helm, ingestUrl, kubectl, kubectlJson, namespace, release, root } from './kube-fixture.js';

const runDir = process.env.KUBE_TEST_RUN_DIR ?? '.run/kube-test';

test('helm upgrade (a rolling restart of every Deployment) under load loses nothing', async () => {
  const before = kubectlJson(['get', 'deployment', `${release}-ingest`]).metadata.generation;
  let upgradeMs = 0;
  const load = await runEventLoad(ingestUrl, {
    users: 32,
    durationMs: 45_000,
    actions: [
      {
        atMs: 3_000,
        run: () => {
          const t = Date.now();
          // A changed setting of every service's environment: each Deployment rolls.
          helm([
            'upgrade',
            release,
            join(root, 'charts/event-horizon'),
            '--reuse-values',
            '--set',
            'nodeOptions=--max-old-space-size=200',
            '--wait',
            '--timeout',
            '5m',
          ]);
          upgradeMs = Date.now() - t;
        },
      },
    ],
  });
  assert.ok(
    kubectlJson(['get', 'deployment', `${release}-ingest`]).metadata.generation > before,
    'nothing rolled',
  );
  const verdict = await verifyProcessed(load);
  const line = `helm upgrade --wait ${(upgradeMs / 1000).toFixed(1)} s under load: accepted ${verdict.accepted}, lost ${verdict.lost}, duplicated ${verdict.duplicated}, out of order ${verdict.outOfOrder}, requests retried ${load.retried}`;
  process.stdout.write(`${line}\n`);
  appendFileSync(join(runDir, 'times.txt'), `helm_upgrade\t${line}\n`);
  assert.deepEqual(
    { lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder },
    { lost: 0, duplicated: 0, outOfOrder: 0 },
  );
});

test('helm uninstall leaves no object of the release behind', async () => {
  helm(['uninstall', release, '--wait', '--timeout', '3m']);
  // Everything a namespace can hold that the release or its pods make, but what Kubernetes
  // puts in every namespace (the default ServiceAccount, kube-root-ca.crt) and Events.
  const kinds =
    'all,configmaps,secrets,persistentvolumeclaims,serviceaccounts,roles,rolebindings,leases,poddisruptionbudgets,networkpolicies,jobs';
  const left = await waitFor(
    'the namespace to be empty of ours',
    () => {
      const items = kubectlJson(['get', kinds]).items.filter(
        (o: { kind: string; metadata: { name: string } }) =>
          !(o.kind === 'ServiceAccount' && o.metadata.name === 'default') &&
          !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'),
      );
      return items.length === 0 ? items : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  ).catch(() =>
    kubectlJson(['get', kinds]).items.map(
      (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`,
    ),
  );
  assert.deepEqual(left, []);
  // Volumes: the provisioner deletes each released one.
  await waitFor(
    'the release volumes deleted',
    () =>
      JSON.parse(kubectl(['get', 'pv', '-o', 'json'])).items.every(
        (pv: { spec: { claimRef?: { namespace?: string } } }) => pv.spec.claimRef?.namespace !== namespace,
      ),
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
});
