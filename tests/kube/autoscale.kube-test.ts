// The controller scales the consumer Deployment on real Kafka lag, built by k6 running in a pod
// against the ingest Service: the new pods join the group and drain it, and the Deployment
// comes back down after the stabilization window (tests/kube/test-values.yaml).
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue, randomName, waitFor } from '@evh/testing';
import {
  asAdmin,
  awaitKeyKnown,
  createProject,
  kubectl,
  kubectlJson,
  namespace,
  readyPods,
  release,
  reporterUrl,
  request,
  root,
} from './kube-fixture.js';

const runDir = process.env.KUBE_TEST_RUN_DIR ?? '.run/kube-test';
const deployment = `${release}-consumer`;
const replicas = () => {
  const d = kubectlJson(['get', 'deployment', deployment]);
  return { desired: d.spec.replicas as number, ready: (d.status.readyReplicas ?? 0) as number };
};

async function processedByPod(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const pod of readyPods('consumer')) {
    try {
      const res = await fetch(`http://${pod.status.podIP}:3002/metrics`, {
        signal: AbortSignal.timeout(3000),
      });
      out.set(
        pod.metadata.name,
        metricValue(await res.text(), 'evh_consumer_events_total', 'outcome="processed"'),
      );
    } catch {}
  }
  return out;
}

test('lag from a k6 pod scales the consumer up, the new pods drain it, and it scales back down', async () => {
  assert.equal(replicas().desired, 1, 'the consumer starts at one replica');
  const name = randomName('k6');
  const prefix = randomName('lag');
  // Twenty projects, as a user creates them; k6 sends each crash with its project's key.
  const keys: string[] = [];
  for (let p = 0; p < 20; p++) keys.push((await createProject(`${prefix}-${p}`)).ingestKey);
  for (const key of keys) await awaitKeyKnown(key);
  kubectl(['create', 'configmap', name, `--from-file=load.js=${join(root, 'tests/kube/k6-crashes.js')}`]);
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { app: name } },
        spec: {
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'k6',
              image: 'event-horizon-k6:v1.8.1',
              imagePullPolicy: 'IfNotPresent',
              args: ['run', '--quiet', '--no-usage-report', '/scripts/load.js'],
              env: [
                { name: 'INGEST_URL', value: `http://${release}-ingest:3000` },
                { name: 'PROJECT_PREFIX', value: prefix },
                { name: 'INGEST_KEYS', value: keys.join(',') },
                { name: 'RATE', value: '300' },
                { name: 'DURATION', value: '40s' },
              ],
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'scripts', mountPath: '/scripts' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'scripts', configMap: { name } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  kubectl(['apply', '-f', '-'], JSON.stringify(job));
  const started = Date.now();
  let scaledUpAt = 0;
  let allReadyAt = 0;
  let peak = 1;
  const perPod = new Map<string, number>();
  // Until the k6 Job ends: watch the Deployment and each consumer pod's processed count.
  // The Deployment and each pod's processed count, watched under load and while it drains
  // (the last replica may become Ready only after k6 is done).
  const observe = async () => {
    const r = replicas();
    if (r.desired > 1 && !scaledUpAt) scaledUpAt = Date.now();
    peak = Math.max(peak, r.desired);
    if (scaledUpAt && r.ready >= peak && !allReadyAt) allReadyAt = Date.now();
    for (const [pod, n] of await processedByPod()) perPod.set(pod, Math.max(n, perPod.get(pod) ?? 0));
  };
  for (;;) {
    await observe();
    const status = kubectlJson(['get', 'job', name]).status;
    if (status.succeeded || status.failed) {
      assert.ok(status.succeeded, `the k6 Job failed: ${kubectl(['logs', `job/${name}`]).slice(-2000)}`);
      break;
    }
    assert.ok(Date.now() - started < 180_000, 'the k6 Job did not finish within 3 min');
    await sleep(1000);
  }
  const acceptedLine = /ACCEPTED (\d+)/.exec(kubectl(['logs', `job/${name}`]));
  const accepted = Number(acceptedLine?.[1] ?? 0);
  assert.ok(accepted > 1000, `k6 had only ${accepted} crashes accepted`);
  assert.ok(scaledUpAt > 0, 'the consumer was never scaled up');

  // Drained: every accepted crash counted in its project's stats.
  const reporter = reporterUrl();
  const total = async () => {
    let sum = 0;
    for (let p = 0; p < 20; p++)
      sum +=
        (await request(`${reporter}/v1/projects/${prefix}-${p}/stats`, { headers: asAdmin() })).json.total ??
        0;
    return sum;
  };
  while (Date.now() - started < 600_000) {
    await observe();
    if ((await total()) >= accepted) break;
    await sleep(2000);
  }
  const drainedAt = Date.now();
  assert.equal(await total(), accepted, 'every accepted crash is processed');
  const workers = [...perPod.values()].filter((n) => n > 0).length;
  assert.ok(workers >= 2, `only ${workers} consumer pod(s) processed events: ${JSON.stringify([...perPod])}`);

  const down = await waitFor(
    'the consumer back at one replica',
    () => (replicas().desired === 1 ? Date.now() : undefined),
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
  const line = `scaled 1->${peak} ${((scaledUpAt - started) / 1000).toFixed(1)} s after k6 started (${allReadyAt ? `all ${peak} Ready after ${((allReadyAt - started) / 1000).toFixed(1)} s` : `never all ${peak} Ready at once`}); ${accepted} crashes drained ${((drainedAt - started) / 1000).toFixed(1)} s after the start by ${workers} pods; back to 1 replica ${((down - drainedAt) / 1000).toFixed(1)} s after the drain`;
  process.stdout.write(`${line}\n`);
  appendFileSync(join(runDir, 'times.txt'), `autoscale\t${line}\n`);
  kubectl(['delete', 'job', name, '--wait=false']);
  kubectl(['delete', 'configmap', name]);
});
