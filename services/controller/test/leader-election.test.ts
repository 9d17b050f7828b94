import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseQuota, quotaKeys } from '@evh/quota';
import { createRedis, type Redis } from '@evh/redis';
import { randomName, type ServiceProcess, startService, testEnv, waitFor } from '@evh/testing';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  adminConfig,
  controllerEnv,
  createNamespace,
  installCrd,
  kubeconfigPath,
  metricValue,
  quotaApi,
  statusOf,
} from './kube-fixture.js';

// Three controller processes on one Lease (3 s, renewed every 250 ms): one acts at a time.
const LEASE_MS = 3000;
let kc: KubeConfig;
let namespace: string;
let redis: Redis;
let env: Record<string, string>;
const processes: ServiceProcess[] = [];

const start = async (name: string) => {
  const p = await startService('controller', { ...env, POD_NAME: name });
  processes.push(p);
  return p;
};
const reconciles = async (p: ServiceProcess) =>
  metricValue(
    await (await fetch(`${p.url}/metrics`)).text(),
    'evh_controller_reconcile_total',
    'result="ok"',
  );
const lease = () =>
  kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'evh-controller', namespace });
const applied = async (projectId: string) => parseQuota(await redis.hget(quotaKeys.effective(), projectId));

before(async () => {
  kc = adminConfig();
  await installCrd(kc);
  namespace = await createNamespace(kc, 'leader');
  const prefix = `${randomName('leader')}:`;
  redis = createRedis({ url: testEnv().redisUrl, keyPrefix: prefix, name: 'leader-test' });
  await redis.connect();
  env = controllerEnv({
    kubeconfig: kubeconfigPath(),
    namespace,
    prefix,
    extra: { LEASE_DURATION_MS: String(LEASE_MS) },
  });
});

after(async () => {
  for (const p of processes) await p.stop('SIGKILL');
  await redis?.quit();
});

describe('leader election on a coordination.k8s.io Lease', () => {
  it('two replicas: one holds the lease and acts, the other waits; killed, the other takes over within the lease time', async (t) => {
    const a = await start('ctl-a');
    await waitFor('ctl-a leading', async () => (await statusOf(a.url)).leading);
    const b = await start('ctl-b');
    await sleep(1000);
    assert.equal((await statusOf(b.url)).leading, false, 'ctl-b waits');
    assert.equal((await statusOf(b.url)).leaseHolder, 'ctl-a');
    assert.equal((await lease()).spec?.holderIdentity, 'ctl-a');

    await quotaApi(kc).create(namespace, 'one', { projectId: 'one', eventsPerSecond: 5, burst: 5 });
    await waitFor('ctl-a applied it', () => applied('one'));
    await sleep(600); // a few more reconciles on the leader, none anywhere else
    assert.ok((await reconciles(a)) > 0, 'the leader reconciles');
    assert.equal(await reconciles(b), 0, 'the follower does nothing');

    // SIGKILL: no chance to give the lease up; ctl-b must wait for it to expire.
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    await waitFor('ctl-b leading', async () => (await statusOf(b.url)).leading, {
      timeoutMs: 3 * LEASE_MS,
      intervalMs: 20,
    });
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`ctl-a killed; ctl-b leading ${takeoverMs} ms later (lease ${LEASE_MS} ms)`);
    assert.ok(takeoverMs <= LEASE_MS + 1000, `took over after ${takeoverMs} ms (lease ${LEASE_MS} ms)`);
    assert.ok(
      takeoverMs >= LEASE_MS - 1000,
      `took over after ${takeoverMs} ms, before the lease of ${LEASE_MS} ms could expire`,
    );
    const l = await lease();
    assert.equal(l.spec?.holderIdentity, 'ctl-b');
    assert.ok((l.spec?.leaseTransitions ?? 0) >= 1);

    await quotaApi(kc).create(namespace, 'two', { projectId: 'two', eventsPerSecond: 5, burst: 5 });
    await waitFor('ctl-b applied it', () => applied('two'));
  });

  it('a leader stopped with SIGTERM gives the lease up, so the next one takes over at once', async (t) => {
    const b = processes.find(
      (p) => p.child.exitCode === null && p.child.signalCode === null,
    ) as ServiceProcess;
    assert.equal((await statusOf(b.url)).leading, true, 'ctl-b leads');
    const c = await start('ctl-c');
    await sleep(500);
    assert.equal((await statusOf(c.url)).leading, false);
    const stopped = await b.stop('SIGTERM');
    assert.equal(stopped.code, 0, 'a clean shutdown');
    const releasedAt = Date.now();
    await waitFor('ctl-c leading', async () => (await statusOf(c.url)).leading, {
      timeoutMs: 2 * LEASE_MS,
      intervalMs: 20,
    });
    const takeoverMs = Date.now() - releasedAt;
    t.diagnostic(`ctl-b stopped in ${stopped.ms} ms; ctl-c leading ${takeoverMs} ms after`);
    assert.ok(
      takeoverMs < LEASE_MS / 2,
      `took over ${takeoverMs} ms after the release (lease ${LEASE_MS} ms)`,
    );
    await quotaApi(kc).create(namespace, 'three', { projectId: 'three', eventsPerSecond: 5, burst: 5 });
    await waitFor('ctl-c applied it', () => applied('three'));
  });
});
