import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { chart, helm, renderChart, root } from './helm-chart.js';
import { dryRunApply, withNamespace } from './kube-dry-run.js';

test('helm lint passes', () => {
  assert.match(helm(['lint', chart]), /0 chart\(s\) failed/);
});

test('the chart carries the generated CRD and the same RBAC rules as manifests/', () => {
  assert.equal(
    readFileSync(join(chart, 'crds/projectquotas.eventhorizon.io.yaml'), 'utf8'),
    readFileSync(join(root, 'manifests/crds/projectquotas.eventhorizon.io.yaml'), 'utf8'),
    'charts/event-horizon/crds must be a copy of manifests/crds (cp it after make generate)',
  );
  const generated = parseAllDocuments(readFileSync(join(root, 'manifests/rbac/controller.yaml'), 'utf8'))
    .map((d) => d.toJSON() as { kind: string; rules?: unknown[] })
    .find((o) => o.kind === 'Role');
  const rendered = renderChart('event-horizon').find((o) => o.kind === 'Role') as
    | { rules?: unknown[] }
    | undefined;
  // The chart names its own Lease and consumer Deployment after the release.
  const named = JSON.stringify(rendered?.rules)
    .replaceAll('"evh-controller"', '"<lease>"')
    .replaceAll('"evh-consumer"', '"<consumer>"');
  const expected = JSON.stringify(generated?.rules)
    .replaceAll('"evh-controller"', '"<lease>"')
    .replaceAll('"evh-consumer"', '"<consumer>"');
  assert.equal(named, expected);
});

test('every rendered object is accepted by a real kube-apiserver (server-side dry run)', async () => {
  await withNamespace(async (api, namespace) => {
    const objects = renderChart(namespace);
    assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [
      'ConfigMap',
      'CustomResourceDefinition',
      'Deployment',
      'Job',
      'Lease',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
      'StatefulSet',
    ]);
    await dryRunApply(api, namespace, objects);
  });
});
