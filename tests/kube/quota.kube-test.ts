// A ProjectQuota applied with kubectl is enforced by the ingest pods, and its usage shows in
// `kubectl get projectquotas`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomName, waitFor } from '@evh/testing';
import { ingestUrl, kubectl, namespace } from './kube-fixture.js';

test('kubectl apply of a ProjectQuota is enforced at the ingest within 2 s, and its usage is listed', async () => {
  const projectId = randomName('kube-quota');
  const ingest = ingestUrl();
  let n = 0;
  const post = async () => {
    n += 1;
    const res = await fetch(`${ingest}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A user of its own per event, so only the project's quota can refuse it.
      body: JSON.stringify({ userId: `${projectId}-u${n}`, type: 'click', payload: { projectId } }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return { status: res.status, scope: res.headers.get('ratelimit-scope') };
  };
  // Before the quota: the chart's default share lets 20 at once through.
  const before = await Promise.all(Array.from({ length: 20 }, post));
  assert.deepEqual(new Set(before.map((r) => r.status)), new Set([202]));

  const applied = Date.now();
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'eventhorizon.io/v1alpha1',
      kind: 'ProjectQuota',
      metadata: { name: projectId, namespace },
      spec: { projectId, eventsPerSecond: 5, burst: 5, mode: 'enforce' },
    }),
  );
  let enforcedAfterMs = -1;
  while (Date.now() - applied < 10_000) {
    const answers = await Promise.all(Array.from({ length: 10 }, post));
    if (answers.some((r) => r.status === 429 && r.scope === 'project')) {
      enforcedAfterMs = Date.now() - applied;
      break;
    }
    await sleep(100);
  }
  process.stdout.write(`quota enforced ${enforcedAfterMs} ms after kubectl apply\n`);
  assert.ok(enforcedAfterMs >= 0, 'the quota was never enforced');
  assert.ok(enforcedAfterMs <= 2000, `enforced after ${enforcedAfterMs} ms`);

  // The controller's usage refresh (2 s in the test values) fills the columns.
  const row = await waitFor(
    'the Throttled column to count the refusals',
    () => {
      const table = kubectl(['get', 'projectquotas', projectId]);
      const [header = '', line = ''] = table.trim().split('\n');
      const cols = header.split(/\s{2,}/);
      const cells = line.split(/\s{2,}/);
      const throttled = Number(cells[cols.indexOf('THROTTLED')]);
      return throttled > 0 ? { cols, cells } : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 1000 },
  );
  assert.deepEqual(row.cols.slice(0, 4), ['NAME', 'PROJECT', 'RATE', 'MODE']);
  assert.equal(row.cells[1], projectId);
  kubectl(['delete', 'projectquota', projectId]);
});
