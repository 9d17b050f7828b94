// A consumer pod and an ingest pod deleted while users post events: every acknowledged event
// is processed, once, in order (client-chosen ids, checked in the release's Redis).
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runEventLoad, verifyProcessed } from './event-load.js';
import { ingestUrl, kubectl, readyPods } from './kube-fixture.js';

const runDir = process.env.KUBE_TEST_RUN_DIR ?? '.run/kube-test';

function deleteOnePod(component: string): string {
  const pod = readyPods(component)[0];
  assert.ok(pod, `no Ready ${component} pod to delete`);
  kubectl(['delete', 'pod', pod.metadata.name, '--wait=false']);
  return pod.metadata.name;
}

for (const component of ['consumer', 'ingest']) {
  test(`a ${component} pod deleted under load loses and duplicates no acknowledged event`, async () => {
    let deleted = '';
    const load = await runEventLoad(ingestUrl, {
      users: 32,
      durationMs: 15_000,
      actions: [{ atMs: 4_000, run: () => (deleted = deleteOnePod(component)) }],
    });
    const verdict = await verifyProcessed(load);
    const line = `${component} pod ${deleted} deleted: accepted ${verdict.accepted}, lost ${verdict.lost}, duplicated ${verdict.duplicated}, out of order ${verdict.outOfOrder}, requests retried ${load.retried}`;
    process.stdout.write(`${line}\n`);
    appendFileSync(join(runDir, 'times.txt'), `pod_deletion_${component}\t${line}\n`);
    assert.ok(verdict.accepted > 200, `only ${verdict.accepted} accepted`);
    assert.deepEqual(
      { lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder },
      { lost: 0, duplicated: 0, outOfOrder: 0 },
    );
  });
}
