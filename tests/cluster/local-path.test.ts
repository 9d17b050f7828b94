import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { planVolume, releasedPath } from './local-path.js';

const options = { dir: '/cache/volumes', node: 'evh-node' };
const claim = (over: Partial<V1PersistentVolumeClaim['spec']> = {}, phase = 'Pending') =>
  ({
    metadata: { name: 'data-kafka-0', namespace: 'evh', uid: 'u1' },
    spec: {
      storageClassName: 'local-path',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '2Gi' } },
      ...over,
    },
    status: { phase },
  }) as V1PersistentVolumeClaim;

test('a pending claim of our class gets a PV bound to it, on one folder, pinned to the node', () => {
  const pv = planVolume(claim(), options);
  assert.equal(pv?.metadata?.name, 'pvc-u1');
  assert.deepEqual(pv?.spec?.claimRef, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    namespace: 'evh',
    name: 'data-kafka-0',
    uid: 'u1',
  });
  assert.equal(pv?.spec?.hostPath?.path, '/cache/volumes/evh_data-kafka-0_u1');
  assert.equal(pv?.spec?.capacity?.storage, '2Gi');
  assert.deepEqual(pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values, [
    'evh-node',
  ]);
});

test('claims of another class, bound or not pending get nothing', () => {
  assert.equal(planVolume(claim({ storageClassName: 'fast' }), options), undefined);
  assert.equal(planVolume(claim({ volumeName: 'pv-x' }), options), undefined);
  assert.equal(planVolume(claim({}, 'Bound'), options), undefined);
});

test('only a released PV of ours, on a folder directly inside dir, is reclaimed', () => {
  const pv = planVolume(claim(), options);
  assert.ok(pv);
  assert.equal(releasedPath(pv, options), undefined, 'not released yet');
  pv.status = { phase: 'Released' };
  assert.equal(releasedPath(pv, options), '/cache/volumes/evh_data-kafka-0_u1');
  for (const path of [
    '/etc',
    '/cache/volumes/../etc',
    '/cache/volumes/a/b',
    '/cache/volumes',
    '/cache/volumes/..',
    '/cache/volumes/.',
  ]) {
    assert.equal(releasedPath({ ...pv, spec: { ...pv.spec, hostPath: { path } } }, options), undefined, path);
  }
  assert.equal(releasedPath({ ...pv, metadata: { name: 'other' } }, options), undefined, 'not ours');
});
