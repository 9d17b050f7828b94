import assert from 'node:assert/strict';
import { test } from 'node:test';
import { find } from './chart-objects.js';
import { chart, helm, renderChart } from './helm-chart.js';
import { dryRunApply, withNamespace } from './kube-dry-run.js';

test('helm lint passes', () => {
  assert.match(helm(['lint', chart]), /0 chart\(s\) failed/);
});

test("the controller's generated RBAC names this release's Lease, consumer and namespace", () => {
  // The one copy is templates/controller-rbac.yaml, generated from the controller's permission
  // table (services/controller/test/crd.test.ts checks it; rbac.test.ts runs the controller
  // under it): here, that helm fills in the release's names.
  const objects = renderChart('evh-rbac');
  const role = find<{ rules: { resourceNames?: string[] }[] }>(objects, 'Role', 'evh-controller');
  assert.ok(role, 'the Role evh-controller is rendered');
  assert.deepEqual(
    role.rules.flatMap((r) => r.resourceNames ?? []),
    ['evh-controller', 'evh-consumer'],
  );
  assert.ok(find(objects, 'ServiceAccount', 'evh-controller'));
  const binding = find<{ subjects: { kind: string; name: string; namespace: string }[] }>(
    objects,
    'RoleBinding',
    'evh-controller',
  );
  assert.deepEqual(binding?.subjects, [
    { kind: 'ServiceAccount', name: 'evh-controller', namespace: 'evh-rbac' },
  ]);
  for (const o of objects.filter((x) => x.metadata?.name === 'evh-controller')) {
    assert.equal(
      o.metadata?.labels?.['app.kubernetes.io/instance'],
      'evh',
      `${o.kind} has the chart's labels`,
    );
  }
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
