// `helm install evh charts/event-horizon` with no values brings up the whole platform: its own
// Kafka, Redis and object store, with disruption budgets, network policies, locked-down pods
// and CPU requests that fit one 2-CPU node; and with those switched off, nothing of them
// renders and the services use yours.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject, V1Container, V1PodSpec, V1Service } from '@kubernetes/client-node';
import {
  allContainers,
  cpuMillis,
  envValue,
  find,
  podCpuRequestMillis,
  type Workload,
  workloads,
} from './chart-objects.js';
import { chart, helm, helmResult, parseManifests, renderChart, templateArgs } from './helm-chart.js';
import { dryRunApply, withNamespace } from './kube-dry-run.js';

const NAMESPACE = 'evh';
const defaults = renderChart(NAMESPACE);

const EXTERNAL = [
  'kafka.enabled=false',
  'kafka.brokers=kafka-a.example:9092\\,kafka-b.example:9092',
  'redis.server.enabled=false',
  'redis.url=redis://redis.example:6380',
  'postgres.server.enabled=false',
  'postgres.url=postgres://evh@db.example:5432/evh',
  'objectStore.enabled=false',
  'storage.s3.endpoint=https://s3.example.com',
  'storage.s3.bucket=evh-uploads',
  'storage.s3.credentialsSecret=my-s3',
];

/** A NetworkPolicy as rendered (the client's own type names `from` `_from`). */
interface Policy {
  metadata: { name: string };
  spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: { from?: unknown[]; ports?: { port?: number | string }[] }[];
  };
}

function workload(objects: KubernetesObject[], name: string): Workload {
  return workloads(objects).find((w) => w.name === name) ?? assert.fail(`no workload ${name}`);
}

function mainContainer(w: Workload): V1Container {
  return w.pod.containers[0] ?? assert.fail(`${w.name} has no container`);
}

/** Java properties text as a map (comments and blank lines dropped; the last entry wins). */
function properties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([^#=\s][^=]*)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) map.set(m[1], m[2]);
  }
  return map;
}

function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function podLabels(objects: KubernetesObject[], w: Workload): Record<string, string> {
  const o = find<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(
    objects,
    w.kind,
    w.name,
  );
  return o?.spec.template.metadata.labels ?? {};
}

test('default values render Kafka: a one-node KRaft StatefulSet on a claim, its Services and its configuration', () => {
  const kafka = workload(defaults, 'evh-kafka');
  assert.equal(kafka.kind, 'StatefulSet');
  assert.equal(kafka.replicas, 1);
  const sts = find<{ spec: { serviceName: string; volumeClaimTemplates: { metadata: { name: string } }[] } }>(
    defaults,
    'StatefulSet',
    'evh-kafka',
  );
  const headless = find<V1Service>(defaults, 'Service', 'evh-kafka-headless');
  const service = find<V1Service>(defaults, 'Service', 'evh-kafka');
  assert.equal(sts?.spec.serviceName, 'evh-kafka-headless');
  assert.equal(headless?.spec?.clusterIP, 'None');
  assert.equal(service?.spec?.clusterIP, undefined, 'evh-kafka is a ClusterIP Service');
  assert.deepEqual(
    service?.spec?.ports?.map((p) => p.port),
    [9092],
  );

  const config = find<{ data: Record<string, string> }>(defaults, 'ConfigMap', 'evh-kafka');
  const props = properties(config?.data['server.properties'] ?? assert.fail('no server.properties'));
  assert.equal(props.get('process.roles'), 'broker,controller');
  assert.equal(props.get('node.id'), '0');
  assert.equal(
    props.get('advertised.listeners'),
    `PLAINTEXT://evh-kafka.${NAMESPACE}.svc.cluster.local:9092`,
  );
  assert.equal(props.get('num.partitions'), '12');
  for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
    assert.equal(props.get(key), '1', key);
  }
  assert.equal(props.get('auto.create.topics.enable'), 'false', 'the services create their topics');

  const c = mainContainer(kafka);
  const script = (c.command ?? []).join(' ');
  assert.equal(c.command?.[0], '/bin/sh');
  assert.match(script, /kafka\.tools\.StorageTool format\s+(\\\s+)?-t "4bHXCFZTQMG2xjDz00mr0A"/);
  assert.match(script, /--ignore-formatted/);
  assert.match(script, /jvm="-Xms256m -Xmx256m /);
  assert.match(
    script,
    /exec java \$jvm -cp '\/opt\/kafka\/libs\/\*' kafka\.Kafka \/etc\/kafka\/server\.properties/,
  );
  assert.match(script, /-Dlog4j\.configuration=file:\/etc\/kafka\/log4j\.properties/);
  assert.ok(config?.data['log4j.properties']?.includes('ConsoleAppender'), 'log4j writes to stdout');
  const mount = (path: string) =>
    c.volumeMounts?.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
  assert.equal(mount('/etc/kafka/server.properties')?.name, 'config');
  const logDirs = props.get('log.dirs') ?? assert.fail('no log.dirs');
  assert.equal(mount(logDirs)?.name, 'data', `log.dirs ${logDirs} is on the claim`);
  assert.deepEqual(
    sts?.spec.volumeClaimTemplates.map((t) => t.metadata.name),
    ['data'],
  );
  assert.equal(c.readinessProbe?.tcpSocket?.port, 'kafka');
  assert.equal(c.livenessProbe?.tcpSocket?.port, 'kafka');
  assert.equal(c.resources?.limits?.memory, '640Mi');
});

test('default values render the object store, its Secret and the bucket, and the ingest and consumer use it', () => {
  const store = workload(defaults, 'evh-objectstore');
  assert.equal(store.kind, 'StatefulSet');
  const c = mainContainer(store);
  const script = (c.command ?? []).join(' ');
  assert.match(script, /mkdir -p \/data\/uploads\n/);
  assert.match(script, /exec \/usr\/bin\/versitygw --port :7070 .*posix \/data/);
  assert.deepEqual(
    c.env?.map((e) => [e.name, e.valueFrom?.secretKeyRef?.name]),
    [
      ['ROOT_ACCESS_KEY_ID', 'evh-objectstore'],
      ['ROOT_SECRET_ACCESS_KEY', 'evh-objectstore'],
    ],
  );
  const secret = find<{ data: Record<string, string> }>(defaults, 'Secret', 'evh-objectstore');
  for (const key of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
    assert.ok(Buffer.from(secret?.data[key] ?? '', 'base64').length >= 20, `${key} is a random key`);
  }
  assert.ok(find(defaults, 'Service', 'evh-objectstore'));
  for (const name of ['evh-ingest', 'evh-consumer']) {
    const s = mainContainer(workload(defaults, name));
    assert.equal(envValue(s, 'S3_ENDPOINT'), 'http://evh-objectstore:7070', name);
    assert.equal(envValue(s, 'S3_BUCKET'), 'uploads', name);
    const keys = s.env?.filter((e) => e.name.startsWith('S3_') && e.valueFrom);
    assert.deepEqual(
      keys?.map((e) => e.valueFrom?.secretKeyRef?.name),
      ['evh-objectstore', 'evh-objectstore'],
    );
  }
});

test('default values point every service at the chart Kafka and Redis, and each pod waits for its backends first', () => {
  assert.ok(find(defaults, 'StatefulSet', 'evh-redis'));
  const deployments = workloads(defaults).filter((w) => w.kind === 'Deployment');
  assert.deepEqual(deployments.map((w) => w.name).sort(), [
    'evh-consumer',
    'evh-controller',
    'evh-ingest',
    'evh-reporter',
  ]);
  for (const w of deployments) {
    const c = mainContainer(w);
    assert.equal(envValue(c, 'KAFKA_BROKERS'), `evh-kafka.${NAMESPACE}.svc.cluster.local:9092`, w.name);
    assert.equal(envValue(c, 'REDIS_URL'), 'redis://evh-redis:6379', w.name);
    const wait = w.pod.initContainers?.find((i) => i.name === 'wait-for-dependencies');
    assert.ok(wait, `${w.name} waits for its backends`);
    assert.ok(wait.command?.includes('evh-redis:6379'), w.name);
  }
  const waitsFor = (name: string) => workload(defaults, name).pod.initContainers?.[0]?.command?.slice(4);
  assert.deepEqual(waitsFor('evh-ingest'), [
    `evh-kafka.${NAMESPACE}.svc.cluster.local:9092`,
    'evh-redis:6379',
    'evh-objectstore:7070',
  ]);
  // The reporter produces replayed dead letters and reads the consumer lag.
  assert.deepEqual(waitsFor('evh-reporter'), [
    `evh-kafka.${NAMESPACE}.svc.cluster.local:9092`,
    'evh-redis:6379',
  ]);
});

test('default values render a PodDisruptionBudget of maxUnavailable 1 for the ingest, reporter and controller', () => {
  const budgets = defaults.filter((o) => o.kind === 'PodDisruptionBudget') as {
    metadata: { name: string };
    spec: { maxUnavailable?: number; selector: { matchLabels: Record<string, string> } };
  }[];
  assert.deepEqual(budgets.map((b) => b.metadata.name).sort(), [
    'evh-controller',
    'evh-ingest',
    'evh-reporter',
  ]);
  for (const b of budgets) {
    assert.equal(b.spec.maxUnavailable, 1, b.metadata.name);
    const w = workload(defaults, b.metadata.name);
    assert.ok(
      labelsMatch(b.spec.selector.matchLabels, podLabels(defaults, w)),
      `${b.metadata.name} selects its pods`,
    );
    assert.ok(w.replicas > 1, `${w.name}: a budget of one pod needs more than one`);
  }
});

test('default values render NetworkPolicies: ingest and reporter open, everything else only from the release', () => {
  const policies = defaults.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];
  const release = { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'evh' } } };
  const rules = new Map(policies.map((p) => [p.metadata.name, p.spec.ingress ?? []]));
  const port = (name: string) => rules.get(name)?.map((r) => r.ports?.map((p) => p.port));
  for (const [name, p] of [
    ['evh-ingest', 3000],
    ['evh-reporter', 3001],
  ] as const) {
    assert.deepEqual(port(name), [[p]], name);
    assert.equal(rules.get(name)?.[0]?.from, undefined, `${name} takes traffic from anywhere`);
  }
  for (const [name, p] of [
    ['evh-consumer', 3002],
    ['evh-controller', 3003],
    ['evh-kafka', 9092],
    ['evh-redis', 6379],
    ['evh-objectstore', 7070],
  ] as const) {
    assert.deepEqual(port(name), [[p]], name);
    assert.deepEqual(rules.get(name)?.[0]?.from, [release], `${name} only from this release's pods`);
  }
  // Every pod of the release is selected by a policy, so none takes traffic beyond the rules.
  for (const w of workloads(defaults)) {
    const labels = podLabels(defaults, w);
    assert.ok(
      policies.some(
        (p) => p.spec.policyTypes?.includes('Ingress') && labelsMatch(p.spec.podSelector.matchLabels, labels),
      ),
      `${w.name} is selected by a NetworkPolicy`,
    );
  }
  const open = renderChart(NAMESPACE, ['networkPolicy.enabled=false']);
  assert.equal(open.filter((o) => o.kind === 'NetworkPolicy').length, 0);
});

test('every container, init containers included, runs locked down with probes and resource requests', () => {
  for (const w of workloads(defaults)) {
    const pod: V1PodSpec = w.pod;
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${w.name}: pod runAsNonRoot`);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${w.name}: pod seccomp`);
    for (const c of allContainers(pod)) {
      const at = `${w.name}/${c.name}`;
      const sc = c.securityContext ?? assert.fail(`${at}: no securityContext`);
      assert.equal(sc.runAsNonRoot, true, `${at}: runAsNonRoot`);
      assert.equal(sc.runAsUser ?? pod.securityContext?.runAsUser, 1000, `${at}: uid`);
      assert.equal(sc.runAsGroup ?? pod.securityContext?.runAsGroup, 1000, `${at}: gid`);
      assert.equal(sc.readOnlyRootFilesystem, true, `${at}: readOnlyRootFilesystem`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${at}: allowPrivilegeEscalation`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${at}: capabilities`);
      assert.equal((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type, 'RuntimeDefault', at);
      assert.ok(c.resources?.requests?.cpu, `${at}: a CPU request`);
      assert.ok(c.resources?.requests?.memory, `${at}: a memory request`);
      assert.ok(c.resources?.limits?.memory, `${at}: a memory limit`);
      // With the root filesystem read-only, /tmp is a volume of its own in every container.
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      assert.ok(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${at}: an emptyDir at /tmp`);
    }
    for (const c of pod.containers) {
      assert.ok(c.readinessProbe, `${w.name}/${c.name}: readiness probe`);
      assert.ok(c.livenessProbe, `${w.name}/${c.name}: liveness probe`);
    }
  }
});

test('the default CPU requests fit one 2-CPU node, with room for three more consumers', () => {
  const perWorkload = workloads(defaults).map((w) => ({
    name: w.name,
    millis: podCpuRequestMillis(w.pod) * w.replicas,
  }));
  const total = perWorkload.reduce((sum, w) => sum + w.millis, 0);
  const consumer = podCpuRequestMillis(workload(defaults, 'evh-consumer').pod);
  const detail = perWorkload.map((w) => `${w.name} ${w.millis}m`).join(', ');
  assert.ok(total <= 1300, `the default CPU requests add up to ${total}m (${detail})`);
  assert.ok(consumer <= 150, `a consumer asks for ${consumer}m`);
  // 2000m allocatable, 100m for CoreDNS, and the autoscaler's three more consumers.
  assert.ok(total + 3 * consumer + 100 <= 2000, `${total}m + 3 x ${consumer}m + 100m`);
  assert.equal(cpuMillis('1'), 1000);
});

test('values.schema.json rejects wrong types, unknown keys and values outside an enum', () => {
  for (const [set, where] of [
    ['ingest.replicas=abc', /ingest\/replicas.*want integer/],
    ['kafka.enabled=maybe', /kafka\/enabled.*want boolean/],
    ['logLevel=loud', /logLevel/],
    ['redis.server.appendfsync=no', /appendfsync/],
    ['unknownKey=1', /additional properties 'unknownKey' not allowed/],
  ] as const) {
    const r = helmResult(templateArgs(NAMESPACE, [set]));
    assert.notEqual(r.status, 0, `--set ${set} was accepted`);
    assert.match(r.stderr, /values don't meet the specifications of the schema/, set);
    assert.match(r.stderr, where, set);
  }
});

test('contradicting or missing backend settings stop the install with a message', () => {
  for (const [set, message] of [
    [['kafka.brokers=k:9092'], /kafka\.brokers is set while kafka\.enabled is true/],
    [['kafka.enabled=false'], /set kafka\.brokers/],
    [['redis.url=redis://r:6379'], /redis\.url is set while redis\.server\.enabled is true/],
    [['redis.server.enabled=false'], /set redis\.url/],
    [['storage.s3.endpoint=https://s3.example.com'], /storage\.s3 is set while objectStore\.enabled is true/],
    [
      ['objectStore.enabled=false', 'storage.s3.bucket=b-1'],
      /endpoint, bucket and credentialsSecret go together/,
    ],
  ] as const) {
    const r = helmResult(templateArgs(NAMESPACE, [...set]));
    assert.notEqual(r.status, 0, `${set.join(' ')} was accepted`);
    assert.match(r.stderr, message);
  }
});

test('with your own Kafka, Redis and S3 none of the chart backends render and the services use yours', () => {
  const objects = renderChart(NAMESPACE, EXTERNAL);
  for (const component of ['kafka', 'redis', 'postgres', 'objectstore']) {
    const left = objects.filter(
      (o) =>
        (o.metadata?.labels?.['app.kubernetes.io/component'] ?? '') === component ||
        o.metadata?.name?.startsWith(`evh-${component}`),
    );
    assert.deepEqual(
      left.map((o) => `${o.kind}/${o.metadata?.name}`),
      [],
      component,
    );
  }
  // The admin token's Secret is the reporter's, not a backend's: it stays.
  const backendSecrets = objects.filter((o) => o.kind === 'Secret' && o.metadata?.name !== 'evh-admin-token');
  assert.equal(objects.filter((o) => o.kind === 'StatefulSet').length + backendSecrets.length, 0);
  for (const w of workloads(objects)) {
    const c = mainContainer(w);
    assert.equal(envValue(c, 'KAFKA_BROKERS'), 'kafka-a.example:9092,kafka-b.example:9092', w.name);
    assert.equal(envValue(c, 'REDIS_URL'), 'redis://redis.example:6380', w.name);
  }
  for (const name of ['evh-ingest', 'evh-consumer']) {
    const c = mainContainer(workload(objects, name));
    assert.equal(envValue(c, 'S3_ENDPOINT'), 'https://s3.example.com', name);
    assert.equal(envValue(c, 'S3_BUCKET'), 'evh-uploads', name);
    assert.deepEqual(
      c.env?.filter((e) => e.valueFrom).map((e) => e.valueFrom?.secretKeyRef?.name),
      ['my-s3', 'my-s3'],
    );
    assert.deepEqual(workload(objects, name).pod.initContainers?.[0]?.command?.slice(4), [
      'kafka-a.example:9092,kafka-b.example:9092',
      'redis.example:6380',
      ...(name === 'evh-consumer' ? ['db.example:5432'] : []),
      's3.example.com:443',
    ]);
  }
});

test('with your own backends every rendered object is accepted by a real kube-apiserver (server-side dry run)', async () => {
  await withNamespace(async (api, namespace) => {
    await dryRunApply(
      api,
      namespace,
      renderChart(namespace, EXTERNAL).filter((o) => o.kind !== 'CustomResourceDefinition'),
    );
  });
});

test('helm install prints how to reach the ingest and reporter, and helm upgrade keeps the object store keys', async () => {
  await withNamespace(async (api, namespace) => {
    // A real install into the test API server (no nodes: the objects are stored, nothing
    // runs); --skip-crds leaves the cluster-wide CRD to the controller tests.
    const installed = JSON.parse(
      // No hooks: a control plane without nodes runs no Job (the migration hook).
      helm(['install', 'evh', chart, '--namespace', namespace, '--skip-crds', '--no-hooks', '-o', 'json']),
    ) as { manifest: string; info: { notes: string } };
    const objects = parseManifests(installed.manifest);
    for (const [name, port] of [
      ['evh-ingest', 3000],
      ['evh-reporter', 3001],
    ] as const) {
      const service = find<V1Service>(objects, 'Service', name);
      assert.deepEqual(
        service?.spec?.ports?.map((p) => p.port),
        [port],
      );
      assert.ok(
        installed.info.notes.includes(`kubectl -n ${namespace} port-forward svc/${name} ${port}:${port}`),
        `NOTES.txt tells how to reach ${name}:\n${installed.info.notes}`,
      );
    }
    // The console, opened through the reporter's port-forward, sends files to the ingest's.
    const reporter = mainContainer(workload(objects, 'evh-reporter'));
    assert.equal(envValue(reporter, 'PUBLIC_INGEST_URL'), 'http://localhost:3000');

    const stored = await api.read({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'evh-objectstore', namespace },
    });
    const keys = (stored as { data?: Record<string, string> }).data ?? assert.fail('the Secret has no data');
    const upgraded = (set: string[], secret: string) => {
      const args = ['upgrade', 'evh', chart, '--namespace', namespace, '--dry-run=server', '-o', 'json'];
      const release = JSON.parse(helm([...args, ...set.flatMap((s) => ['--set', s])])) as {
        manifest: string;
      };
      return find<{ data: Record<string, string> }>(parseManifests(release.manifest), 'Secret', secret)?.data;
    };
    const upgrade = (set: string[]) => upgraded(set, 'evh-objectstore');
    assert.deepEqual(upgrade([]), keys, 'an upgrade keeps the keys the install made');
    // So does PostgreSQL's password: initdb set it once, on the volume.
    const pg = (await api.read({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'evh-postgres', namespace },
    })) as {
      data?: Record<string, string>;
    };
    assert.match(Buffer.from(pg.data?.PGPASSWORD ?? '', 'base64').toString(), /^[A-Za-z0-9]{32}$/);
    assert.deepEqual(upgraded([], 'evh-postgres'), pg.data, 'an upgrade keeps the PostgreSQL password');
    const given = upgrade(['objectStore.auth.accessKeyId=given-access-key']);
    assert.equal(Buffer.from(given?.S3_ACCESS_KEY_ID ?? '', 'base64').toString(), 'given-access-key');
    assert.equal(given?.S3_SECRET_ACCESS_KEY, keys.S3_SECRET_ACCESS_KEY, 'the other key stays');
  });
});

test('auth (issue 13): on by default, the reporter reads a generated admin token from a Secret; values can set or switch it off', () => {
  const secret = find<{ data: Record<string, string> }>(defaults, 'Secret', 'evh-admin-token');
  const token = Buffer.from(secret?.data.ADMIN_TOKEN ?? '', 'base64').toString();
  assert.match(token, /^[A-Za-z0-9]{40}$/, 'a random token');
  const reporter = mainContainer(workload(defaults, 'evh-reporter'));
  assert.equal(envValue(reporter, 'AUTH'), 'on');
  assert.equal(
    reporter.env?.find((e) => e.name === 'ADMIN_TOKEN')?.valueFrom?.secretKeyRef?.name,
    'evh-admin-token',
  );
  const ingest = mainContainer(workload(defaults, 'evh-ingest'));
  assert.equal(envValue(ingest, 'AUTH'), 'on');
  assert.equal(envValue(ingest, 'EVENTS_REQUIRE_KEY'), 'false');

  const given = renderChart(NAMESPACE, ['auth.adminToken=0123456789abcdef-given']);
  const stored = find<{ data: Record<string, string> }>(given, 'Secret', 'evh-admin-token');
  assert.equal(Buffer.from(stored?.data.ADMIN_TOKEN ?? '', 'base64').toString(), '0123456789abcdef-given');

  const off = renderChart(NAMESPACE, ['auth.mode=off']);
  assert.equal(find(off, 'Secret', 'evh-admin-token'), undefined);
  const offReporter = mainContainer(workload(off, 'evh-reporter'));
  assert.equal(envValue(offReporter, 'AUTH'), 'off');
  assert.equal(
    offReporter.env?.find((e) => e.name === 'ADMIN_TOKEN'),
    undefined,
  );
  const short = helmResult(templateArgs(NAMESPACE, ['auth.adminToken=short']));
  assert.notEqual(short.status, 0, 'a token under 16 characters is refused');
});
