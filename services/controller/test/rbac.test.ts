import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient } from '@evh/kafka';
import { createLogger } from '@evh/lifecycle';
import { randomName, type ServiceProcess, startService, testEnv, waitFor } from '@evh/testing';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  loadAllYaml,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Role,
  type V1RoleBinding,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import {
  adminConfig,
  controllerEnv,
  createDeployment,
  createNamespace,
  installCrd,
  metricValue,
  quotaApi,
  readyOf,
  replicasOf,
  serviceAccountKubeconfig,
  statusOf,
} from './kube-fixture.js';
import { renderChartRbac } from './manifest-files.js';

// The controller runs as the ServiceAccount of the chart's generated RBAC (release evh, as helm
// renders it into the test's namespace), with a token from the TokenRequest API, under exactly
// that Role.
let admin: KubeConfig;
let namespace: string;
let controller: ServiceProcess | undefined;
let asController: KubeConfig;
let role: V1Role;

const status = (err: unknown) => (err as { code?: number }).code;

before(async () => {
  admin = adminConfig();
  await installCrd(admin);
  namespace = await createNamespace(admin, 'rbac');
  const [sa, r, binding] = loadAllYaml(renderChartRbac(namespace)) as [
    V1ServiceAccount,
    V1Role,
    V1RoleBinding,
  ];
  role = r;
  await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace, body: sa });
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  // First a Role without the ProjectQuota watch: the controller must survive that, then recover.
  const partial = { ...role, rules: role.rules?.filter((x) => !x.verbs.includes('watch')) };
  await rbac.createNamespacedRole({ namespace, body: partial });
  await rbac.createNamespacedRoleBinding({ namespace, body: binding });
  await createDeployment(admin, namespace, 'evh-consumer', 1);
  await createDeployment(admin, namespace, 'something-else', 1);
  const file = await serviceAccountKubeconfig(admin, namespace, sa.metadata?.name as string);
  asController = new KubeConfig();
  asController.loadFromFile(file);

  const topic = randomName('rbac-events');
  const kafka = createKafkaClient({
    clientId: 'rbac-test',
    brokers: testEnv().kafkaBrokers,
    logger: createLogger('t', 'silent'),
  });
  const kAdmin = kafka.admin();
  await kAdmin.connect();
  await kAdmin.ensureTopics([{ topic, numPartitions: 2 }]);
  await kAdmin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send(
    topic,
    Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'x' })),
  );
  await producer.disconnect();

  controller = await startService(
    'controller',
    controllerEnv({
      kubeconfig: file,
      namespace,
      prefix: `${randomName('rbac')}:`,
      topic,
      extra: { LAG_PER_REPLICA: '5', POD_NAME: 'rbac-controller' },
    }),
  );
});

after(async () => {
  await controller?.stop();
});

describe('the controller under its least-privilege Role', () => {
  it('keeps running through a forbidden watch, and recovers once the Role allows it', async () => {
    assert.ok(controller);
    await quotaApi(admin).create(namespace, 'web', { projectId: 'web', eventsPerSecond: 5, burst: 5 });
    await waitFor('leading', async () => (await statusOf(controller?.url ?? '')).leading);
    await waitFor('watch restarts counted', async () => {
      const m = await (await fetch(`${controller?.url}/metrics`)).text();
      return metricValue(m, 'evh_controller_watch_restarts_total') >= 2;
    });
    assert.equal(controller.child.exitCode, null, 'a failing watch never ends the process');
    assert.equal(await readyOf(admin, namespace, 'web'), undefined, 'nothing reconciled without the watch');

    await admin.makeApiClient(RbacAuthorizationV1Api).replaceNamespacedRole({
      name: role.metadata?.name as string,
      namespace,
      body: role,
    });
    const ready = await waitFor('Ready under the full Role', () => readyOf(admin, namespace, 'web'), {
      timeoutMs: 45_000,
    });
    assert.equal(ready.status, 'True');
  });

  it('does all its work under the Role: lease, watch, status, scale, events, without one refusal', async () => {
    assert.ok(controller);
    const mark = controller.output().length;
    await quotaApi(admin).create(namespace, 'api', { projectId: 'api', eventsPerSecond: 5, burst: 5 });
    await waitFor('api Ready', () => readyOf(admin, namespace, 'api'));
    // Lag 10 at 5 per replica on 2 partitions: 2 replicas, and an Event saying so.
    await waitFor('scaled to 2', async () => (await replicasOf(admin, namespace, 'evh-consumer')) === 2);
    await waitFor('the ScaledUp event', async () => {
      const events = await admin.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
      return events.items.some((e) => e.reason === 'ScaledUp');
    });
    const lease = await admin
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'evh-controller', namespace });
    assert.equal(lease.spec?.holderIdentity, 'rbac-controller');
    await sleep(1000);
    const since = controller.output().slice(mark);
    assert.doesNotMatch(since, /forbidden|"code":403/i, since);
  });

  it('is refused everything outside the Role', async () => {
    const quotas = quotaApi(asController);
    const apps = asController.makeApiClient(AppsV1Api);
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const attempts: [string, () => Promise<unknown>][] = [
      ['read secrets', () => asController.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace })],
      [
        'create a ProjectQuota',
        () => quotas.create(namespace, 'sneaky', { projectId: 'x', eventsPerSecond: 1, burst: 1 }),
      ],
      ['change a ProjectQuota’s spec', () => quotas.patchSpec(namespace, 'web', { eventsPerSecond: 1000 })],
      ['delete a ProjectQuota', () => quotas.delete(namespace, 'web')],
      [
        'change the Deployment itself',
        () =>
          apps.patchNamespacedDeployment(
            { name: 'evh-consumer', namespace, body: { spec: { paused: true } } },
            mergePatch,
          ),
      ],
      [
        'scale another Deployment',
        () =>
          apps.patchNamespacedDeploymentScale(
            { name: 'something-else', namespace, body: { spec: { replicas: 5 } } },
            mergePatch,
          ),
      ],
      ['list Deployments', () => apps.listNamespacedDeployment({ namespace })],
      [
        'delete the Lease',
        () =>
          asController
            .makeApiClient(CoordinationV1Api)
            .deleteNamespacedLease({ name: 'evh-controller', namespace }),
      ],
      [
        'read another Lease',
        () =>
          asController
            .makeApiClient(CoordinationV1Api)
            .readNamespacedLease({ name: 'kube-scheduler', namespace }),
      ],
      ['watch ProjectQuotas of another namespace', () => quotaApi(asController).list('default')],
      [
        'create a ConfigMap',
        () =>
          asController
            .makeApiClient(CoreV1Api)
            .createNamespacedConfigMap({ namespace, body: { metadata: { name: 'x' } } }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      await assert.rejects(attempt(), (err) => status(err) === 403, `${what} was not refused`);
    }
  });
});
