// Issue 10, items 10 and 3: every service that stores files can write its data folder (a
// volume mounted there, the pod running as the image's user, the image's folder owned by that
// user), with the chart's object store (the default) and without it, when the files really go
// there; and the chart's own Redis persists with an AOF.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { workloads } from './chart-objects.js';
import { parseDockerfile } from './dockerfile.js';
import { renderChart, root } from './helm-chart.js';
import { dryRunApply, withNamespace } from './kube-dry-run.js';

/** The services whose main.ts opens the object store: they write files when S3 is not set. */
function servicesThatStoreFiles(): string[] {
  return readdirSync(join(root, 'services'))
    .filter((s) => {
      try {
        return readFileSync(join(root, 'services', s, 'src/main.ts'), 'utf8').includes('createObjectStore(');
      } catch {
        return false;
      }
    })
    .sort();
}

/** STORAGE_DIR's default in the storage package's env schema (relative to the working dir). */
function defaultStorageDir(): string {
  const src = readFileSync(join(root, 'packages/storage/src/storage-config.ts'), 'utf8');
  const m = /STORAGE_DIR:\s*z\.string\(\)\.default\('([^']+)'\)/.exec(src);
  return m?.[1] ?? assert.fail('STORAGE_DIR default not found in storage-config.ts');
}

function serviceOf(c: V1Container): string | undefined {
  return /services\/([^/]+)\/dist\/src\/main\.js/.exec((c.command ?? c.args ?? []).join(' '))?.[1];
}

const within = (dir: string, parent: string) =>
  dir === parent || dir.startsWith(`${parent.replace(/\/$/, '')}/`);

const image = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));

test("the image's data folder belongs to the image's user, a number", () => {
  assert.match(image.user, /^\d+$/, `USER ${image.user}: a number lets Kubernetes check runAsNonRoot`);
  assert.notEqual(image.user, '0');
  const storageDir = posix.resolve(image.workdir, defaultStorageDir());
  const owned = image.owned.find((o) => within(storageDir, o.path));
  assert.ok(owned, `no folder holding ${storageDir} is chowned in the Dockerfile's last stage`);
  assert.equal(
    owned.user,
    image.user,
    `${owned.path} belongs to ${owned.user}, the image runs as ${image.user}`,
  );
  if (owned.group !== undefined) assert.equal(owned.group, image.group ?? image.user);
});

for (const [label, set] of [
  ['default values (the object store)', []],
  ['local storage (objectStore.enabled=false)', ['objectStore.enabled=false']],
] as const) {
  test(`with ${label} every container that stores files has a writable volume at its data folder and runs as the image's user`, () => {
    checkDataFolders(renderChart('event-horizon', [...set]));
  });
}

function checkDataFolders(objects: ReturnType<typeof renderChart>): void {
  const storing = servicesThatStoreFiles();
  assert.deepEqual(storing, ['consumer', 'ingest']);
  const seen = new Set<string>();
  for (const w of workloads(objects).filter((w) => w.kind === 'Deployment')) {
    const pod = w.pod;
    for (const c of pod.containers) {
      const service = serviceOf(c);
      // Every service runs as the image's user, whether or not it writes files.
      const user = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      assert.equal(String(user), image.user, `${w.name}/${c.name} runs as uid ${user}`);
      assert.equal(pod.securityContext?.runAsNonRoot, true, `${w.name}: runAsNonRoot`);
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${w.name}/${c.name}`);
      if (!service || !storing.includes(service)) continue;
      seen.add(service);
      const env = c.env?.find((e) => e.name === 'STORAGE_DIR')?.value;
      const dir = posix.resolve(c.workingDir ?? image.workdir, env ?? defaultStorageDir());
      const mount = c.volumeMounts?.find((m) => within(dir, m.mountPath));
      assert.ok(mount, `${w.name}/${c.name}: nothing is mounted over its data folder ${dir}`);
      assert.notEqual(mount.readOnly, true, `${w.name}/${c.name}: ${mount.mountPath} is read-only`);
      const volume = pod.volumes?.find((v) => v.name === mount.name);
      assert.ok(volume?.emptyDir, `${w.name}: volume ${mount.name} is an emptyDir by default`);
      // The volume's group is fsGroup; the image's user must be in it to write.
      assert.equal(String(pod.securityContext?.fsGroup), image.group ?? image.user, `${w.name}: fsGroup`);
      const group = c.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
      assert.equal(String(group), image.group ?? image.user, `${w.name}: runAsGroup`);
      // Where no volume is mounted (docker run), the image's own folder is the same path.
      assert.ok(
        image.owned.some((o) => o.path === mount.mountPath && o.user === image.user),
        `${mount.mountPath} is not the image's data folder (${image.owned.map((o) => o.path).join(', ')})`,
      );
    }
  }
  assert.deepEqual([...seen].sort(), storing, 'each service that stores files has a Deployment');
}

test('storage.local.persistence: the ingest and consumer pods share one ReadWriteMany claim', () => {
  const objects = renderChart('event-horizon', ['storage.local.persistence.enabled=true']);
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
  assert.equal(claims.length, 1);
  const claim = claims[0] as { metadata: { name: string }; spec: { accessModes: string[] } };
  assert.deepEqual(claim.spec.accessModes, ['ReadWriteMany']);
  const users = workloads(objects).filter((w) =>
    w.pod.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name),
  );
  assert.deepEqual(users.map((w) => w.name).sort(), ['evh-consumer', 'evh-ingest']);
  const existing = renderChart('event-horizon', [
    'storage.local.persistence.enabled=true',
    'storage.local.persistence.existingClaim=mine',
  ]);
  assert.equal(existing.filter((o) => o.kind === 'PersistentVolumeClaim').length, 0);
  assert.ok(
    workloads(existing).some((w) =>
      w.pod.volumes?.some((v) => v.persistentVolumeClaim?.claimName === 'mine'),
    ),
  );
});

test("redis.server.enabled (the default): the chart's Redis persists with an AOF on a claim, and the services use it", () => {
  const objects = renderChart('event-horizon');
  const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === 'evh-redis') as
    | { spec: { template: { spec: V1PodSpec }; volumeClaimTemplates: { metadata: { name: string } }[] } }
    | undefined;
  assert.ok(sts, 'a StatefulSet for Redis');
  const redis = sts.spec.template.spec.containers[0] as V1Container;
  const args = redis.args ?? [];
  const flag = (name: string) => args[args.indexOf(`--${name}`) + 1];
  assert.equal(flag('appendonly'), 'yes');
  assert.equal(flag('appendfsync'), 'everysec');
  assert.equal(flag('aof-use-rdb-preamble'), 'yes');
  assert.equal(flag('maxmemory-policy'), 'noeviction');
  const data = redis.volumeMounts?.find((m) => m.mountPath === flag('dir'));
  assert.ok(data, `the data volume is mounted at --dir ${flag('dir')}`);
  assert.deepEqual(
    sts.spec.volumeClaimTemplates.map((t) => t.metadata.name),
    [data.name],
  );
  const services = workloads(objects).filter((w) => w.kind === 'Deployment');
  for (const w of services) {
    const url = w.pod.containers[0]?.env?.find((e) => e.name === 'REDIS_URL')?.value;
    assert.equal(url, 'redis://evh-redis:6379', w.name);
  }
  assert.ok(objects.some((o) => o.kind === 'Service' && o.metadata?.name === 'evh-redis'));
  const off = renderChart('event-horizon', ['redis.server.enabled=false', 'redis.url=redis://mine:6379']);
  assert.ok(!off.some((o) => o.metadata?.name === 'evh-redis'), 'nothing of it when off');
});

test('local storage on the shared data claim is accepted by a real kube-apiserver (server-side dry run)', async () => {
  await withNamespace(async (api, namespace) => {
    const objects = renderChart(namespace, [
      'objectStore.enabled=false',
      'storage.local.persistence.enabled=true',
    ]).filter((o) => o.kind !== 'CustomResourceDefinition');
    await dryRunApply(api, namespace, objects);
  });
});
