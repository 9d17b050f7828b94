import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { minuteOf, parseQuota, quotaKeys } from '@evh/quota';
import { createRedis, type Redis } from '@evh/redis';
import { randomName, type ServiceProcess, startService, testEnv, waitFor } from '@evh/testing';
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  adminConfig,
  controllerEnv,
  createNamespace,
  getTable,
  installCrd,
  kubeconfigPath,
  quotaApi,
  readManifest,
  readyOf,
} from './kube-fixture.js';
import { SAMPLES_DIR } from './manifest-files.js';

// One controller process (the way it runs in a pod) against the real kube-apiserver and Redis.
let kc: KubeConfig;
let namespace: string;
let prefix: string;
let redis: Redis;
let controller: ServiceProcess;
let env: Record<string, string>;
const quotas = () => quotaApi(kc);

const effective = async (projectId: string) => parseQuota(await redis.hget(quotaKeys.effective(), projectId));

before(async () => {
  kc = adminConfig();
  await installCrd(kc);
  namespace = await createNamespace(kc, 'quota');
  prefix = `${randomName('quota-ctl')}:`;
  redis = createRedis({ url: testEnv().redisUrl, keyPrefix: prefix, name: 'quota-controller-test' });
  await redis.connect();
  env = controllerEnv({
    kubeconfig: kubeconfigPath(),
    namespace,
    prefix,
    extra: { DEFAULT_QUOTA_EVENTS_PER_SECOND: '7', DEFAULT_QUOTA_MODE: 'shadow' },
  });
  controller = await startService('controller', env);
});

after(async () => {
  await controller?.stop();
  await redis?.quit();
});

describe('ProjectQuota reconciler (real kube-apiserver, Redis)', () => {
  it('the CRD installs, is established, and `kubectl get` shows project, rate, mode, throttled and ready', async () => {
    const crd = await kc
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: 'projectquotas.eventhorizon.io' });
    assert.ok(crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
    assert.deepEqual(crd.status?.acceptedNames?.shortNames, ['pq']);
    await quotas().create(namespace, 'table', { projectId: 'table-project', eventsPerSecond: 3, burst: 3 });
    await waitFor('table Ready', () => readyOf(kc, namespace, 'table'));
    const table = await getTable(kc, `/apis/eventhorizon.io/v1alpha1/namespaces/${namespace}/projectquotas`);
    const columns = table.columnDefinitions.map((c) => c.name);
    for (const c of ['Name', 'Project', 'Rate', 'Mode', 'Throttled', 'Ready'])
      assert.ok(columns.includes(c), `${c} in ${columns}`);
    const row = table.rows[0]?.cells ?? [];
    const cell = (name: string) => row[columns.indexOf(name)];
    assert.deepEqual(
      [cell('Project'), cell('Rate'), cell('Mode'), cell('Throttled'), cell('Ready')],
      ['table-project', 3, 'enforce', 0, 'True'],
    );
  });

  it('a ProjectQuota becomes the project’s quota in Redis and Ready; a spec change follows', async () => {
    await quotas().create(namespace, 'web', {
      projectId: 'web',
      eventsPerSecond: 50,
      burst: 100,
      weight: 3,
      maxInFlight: 4,
    });
    const quota = await waitFor('the quota in Redis', () => effective('web'));
    assert.deepEqual(quota, {
      eventsPerSecond: 50,
      burst: 100,
      maxInFlight: 4,
      weight: 3,
      mode: 'enforce',
      source: `${namespace}/web`,
    });
    const ready = await waitFor('Ready', () => readyOf(kc, namespace, 'web'));
    assert.equal(ready.status, 'True');
    assert.equal(ready.reason, 'QuotaApplied');
    assert.equal(ready.observedGeneration, 1);

    const version = await redis.get(quotaKeys.version());
    await quotas().patchSpec(namespace, 'web', { eventsPerSecond: 80, mode: 'shadow' });
    await waitFor('the changed quota', async () => (await effective('web'))?.eventsPerSecond === 80);
    assert.equal((await effective('web'))?.mode, 'shadow');
    assert.notEqual(await redis.get(quotaKeys.version()), version, 'readers are told by the version');
    const changed = await waitFor('Ready for generation 2', async () => {
      const r = await readyOf(kc, namespace, 'web');
      return r?.observedGeneration === 2 ? r : undefined;
    });
    assert.match(changed.message, /80 events\/s.*shadow/);
  });

  it('the status carries the usage the ingest counts, refreshed every USAGE_REFRESH_MS', async () => {
    await quotas().create(namespace, 'busy', { projectId: 'busy', eventsPerSecond: 10, burst: 10 });
    await waitFor('busy Ready', () => readyOf(kc, namespace, 'busy'));
    // What the ingest's admission script writes, here by hand: this minute's counts.
    await redis.hset(quotaKeys.usage('busy', minuteOf(Date.now())), 'accepted', 42, 'throttled', 17);
    const status = await waitFor('usage in the status', async () => {
      const q = await quotas().get(namespace, 'busy');
      return q.status?.throttledLastMinute >= 16 ? q.status : undefined;
    });
    // >= rather than ===: had the minute turned meanwhile, a sliver of the counts fades out.
    assert.ok(status.acceptedLastMinute >= 40 && status.acceptedLastMinute <= 42, JSON.stringify(status));
  });

  it('an invalid ProjectQuota gets Ready=False with the reason and writes nothing', async () => {
    await quotas().create(namespace, 'bad', { projectId: 'bad', eventsPerSecond: 100, burst: 10 });
    const ready = await waitFor('Ready=False', () => readyOf(kc, namespace, 'bad'));
    assert.equal(ready.status, 'False');
    assert.equal(ready.reason, 'InvalidSpec');
    assert.match(ready.message, /^spec\.burst: must be at least eventsPerSecond \(100\)/);
    assert.equal(await effective('bad'), undefined);

    // What the schema can say, the API server refuses before the controller sees it.
    await assert.rejects(
      quotas().create(namespace, 'worse', { projectId: 'has space', eventsPerSecond: 'fast', burst: 1 }),
      (err: { code?: number; body?: string }) =>
        err.code === 422 &&
        /spec\.eventsPerSecond/.test(String(err.body)) &&
        /spec\.projectId/.test(String(err.body)),
    );

    // Fixed, it becomes Ready.
    await quotas().patchSpec(namespace, 'bad', { burst: 100 });
    const fixed = await waitFor('Ready after the fix', async () => {
      const r = await readyOf(kc, namespace, 'bad');
      return r?.status === 'True' ? r : undefined;
    });
    assert.equal(fixed.reason, 'QuotaApplied');
  });

  it('a second resource for the same project reports ProjectConflict until the first is deleted', async () => {
    await quotas().create(namespace, 'first', { projectId: 'shared', eventsPerSecond: 5, burst: 5 });
    await waitFor('first applied', () => effective('shared'));
    await quotas().create(namespace, 'second', { projectId: 'shared', eventsPerSecond: 9, burst: 9 });
    const conflict = await waitFor('the conflict', () => readyOf(kc, namespace, 'second'));
    assert.equal(conflict.reason, 'ProjectConflict');
    assert.match(conflict.message, new RegExp(`${namespace}/first`));
    assert.equal((await effective('shared'))?.eventsPerSecond, 5);

    await quotas().delete(namespace, 'first');
    await waitFor(
      'the second takes the project',
      async () => (await effective('shared'))?.eventsPerSecond === 9,
    );
    await waitFor('second Ready', async () => (await readyOf(kc, namespace, 'second'))?.status === 'True');
  });

  it('deleting a ProjectQuota removes its quota', async () => {
    await quotas().create(namespace, 'gone', { projectId: 'gone', eventsPerSecond: 5, burst: 5 });
    await waitFor('applied', () => effective('gone'));
    await quotas().delete(namespace, 'gone');
    await waitFor('removed', async () => (await effective('gone')) === undefined);
    assert.equal(await redis.hget(quotaKeys.owners(), `${namespace}/gone`), null);
  });

  it('the samples of manifests/samples become Ready', async () => {
    for (const file of ['projectquota-shop-web.yaml', 'projectquota-batch-import.yaml']) {
      const [sample] = readManifest<{ metadata: { name: string }; spec: Record<string, unknown> }>(
        `${SAMPLES_DIR}/${file}`,
      );
      assert.ok(sample);
      await quotas().create(namespace, sample.metadata.name, sample.spec);
      const ready = await waitFor(`${file} Ready`, () => readyOf(kc, namespace, sample.metadata.name));
      assert.equal(ready.status, 'True', file);
      assert.equal(
        (await effective(String(sample.spec.projectId)))?.eventsPerSecond,
        sample.spec.eventsPerSecond,
      );
    }
  });

  it('writes the default quota from its configuration', async () => {
    assert.deepEqual(parseQuota(await redis.get(quotaKeys.defaultQuota())), {
      eventsPerSecond: 7,
      burst: 14,
      weight: 1,
      mode: 'shadow',
      source: 'default',
    });
  });

  it('a resource deleted while no controller ran loses its quota at the next start', async () => {
    await quotas().create(namespace, 'orphan', { projectId: 'orphan', eventsPerSecond: 5, burst: 5 });
    await waitFor('applied', () => effective('orphan'));
    await controller.stop('SIGKILL');
    await quotas().delete(namespace, 'orphan');
    await sleep(200);
    assert.ok(await effective('orphan'), 'nobody removed it yet');
    controller = await startService('controller', env);
    await waitFor('the orphan removed', async () => (await effective('orphan')) === undefined, {
      timeoutMs: 15_000,
    });
    // The others are still there.
    assert.equal((await effective('web'))?.eventsPerSecond, 80);
  });
});
