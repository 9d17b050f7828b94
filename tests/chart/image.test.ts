// The Dockerfile (for Docker users) and scripts/image/build.sh (umoci and skopeo, no Docker
// engine; what `make image` and the one-node cluster use) describe one image: the same user,
// working dir, command and NODE_ENV, the data folder owned by that user, every path the
// Dockerfile copies, and every file the services read at run time. build.sh leaves out what
// nothing reads at run time (TypeScript sources, compiled tests, declarations), so files are
// checked against what the services load, not against the whole folders the Dockerfile copies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import {
  type BuiltImage,
  type ImageFacts,
  type ImageFile,
  imageDifferences,
  parseDockerfile,
} from './dockerfile.js';
import { root } from './helm-chart.js';

const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerfile = parseDockerfile(dockerfileText);
const services = ['consumer', 'controller', 'ingest', 'reporter'];
const imagesDir = join(process.env.EVH_CACHE ?? join(homedir(), '.cache/event-horizon'), 'images');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function workspaces(): string[] {
  return ['packages', 'services'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => `${group}/${name}`)
      .filter((ws) => existsSync(join(root, ws, 'package.json'))),
  );
}

/**
 * The image paths the services need at run time: each workspace's manifest, its compiled
 * modules (not the unit tests compiled beside them) and what src/ holds besides TypeScript,
 * which the modules read from beside dist/ (the Lua scripts, the console).
 */
function runtimeFiles(): string[] {
  const paths = services.map((s) => `services/${s}/dist/src/main.js`);
  for (const ws of workspaces()) {
    paths.push(`${ws}/package.json`);
    for (const f of listFiles(join(root, ws, 'dist/src'))) {
      if (f.endsWith('.js') && !f.endsWith('.test.js')) paths.push(f.slice(root.length));
    }
    for (const f of listFiles(join(root, ws, 'src')))
      if (!f.endsWith('.ts')) paths.push(f.slice(root.length));
  }
  return [...new Set(paths.map((p) => posix.join('/app', p)))].sort();
}

/** An image that agrees with the given facts and holds the given files, for the comparison's own tests. */
function imageOf(facts: ImageFacts, paths: string[]): BuiltImage {
  const files = new Map<string, ImageFile>();
  for (const p of [...facts.copied, ...paths]) files.set(p, { type: 'file', uid: 0, gid: 0 });
  for (const o of facts.owned)
    files.set(o.path, { type: 'dir', uid: Number(o.user), gid: Number(o.group ?? 0) });
  return {
    user: facts.group === undefined ? facts.user : `${facts.user}:${facts.group}`,
    workdir: facts.workdir,
    cmd: facts.cmd ?? [],
    entrypoint: facts.entrypoint ?? [],
    env: { ...facts.env, PATH: '/usr/bin:/bin' },
    files,
  };
}

test('the Dockerfile parser reads CMD, ENTRYPOINT, ENV and the COPY destinations of the last stage', () => {
  assert.deepEqual(dockerfile.cmd, ['node', 'services/ingest/dist/src/main.js']);
  assert.equal(dockerfile.entrypoint, undefined);
  assert.deepEqual(dockerfile.env, { NODE_ENV: 'production' });
  assert.deepEqual(dockerfile.copied.sort(), [
    '/app/node_modules',
    '/app/package.json',
    '/app/packages',
    '/app/services',
  ]);
  const other = parseDockerfile(
    [
      'FROM a AS build',
      'ENV SKIPPED=1',
      'FROM b',
      'WORKDIR /srv',
      'ENV A=1 B="two words"',
      'ENV LEGACY the rest',
      'COPY --chown=7:8 x.txt y.txt out/',
      'COPY --from=build /build/app ./app',
      'ENTRYPOINT ["/tini", "--"]',
      'CMD run --fast',
    ].join('\n'),
  );
  assert.deepEqual(other.env, { A: '1', B: 'two words', LEGACY: 'the rest' });
  assert.deepEqual(other.copied, ['/srv/out/x.txt', '/srv/out/y.txt', '/srv/app']);
  assert.deepEqual(other.owned, [
    { path: '/srv/out/x.txt', user: '7', group: '8' },
    { path: '/srv/out/y.txt', user: '7', group: '8' },
  ]);
  assert.deepEqual(other.entrypoint, ['/tini', '--']);
  assert.deepEqual(other.cmd, ['/bin/sh', '-c', 'run --fast']);
});

test('the comparison finds each way a Dockerfile can depart from the image', () => {
  const required = runtimeFiles();
  const image = imageOf(dockerfile, required);
  assert.deepEqual(imageDifferences(dockerfile, image, required), []);
  const changed = (from: string, to: string) => {
    // The last occurrence: the last stage is the image (the build stage has a WORKDIR too).
    const at = dockerfileText.lastIndexOf(from);
    assert.ok(at >= 0, `the Dockerfile no longer has ${from}`);
    const text = dockerfileText.slice(0, at) + to + dockerfileText.slice(at + from.length);
    return imageDifferences(parseDockerfile(text), image, required);
  };
  assert.match(
    changed('USER 1000:1000', 'USER 0').join('\n'),
    /^USER: the Dockerfile says "0", the image "1000:1000"/,
  );
  assert.match(changed('WORKDIR /app', 'WORKDIR /srv').join('\n'), /^WORKDIR: /m);
  assert.match(
    changed('services/ingest/dist/src/main.js', 'services/reporter/dist/src/main.js').join('\n'),
    /^CMD: /,
  );
  assert.match(changed('NODE_ENV=production', 'NODE_ENV=development').join('\n'), /^ENV NODE_ENV: /);
  assert.match(changed('chown 1000:1000', 'chown 1001:1000').join('\n'), /^\/app\/\.data: owned by 1001/);
  assert.match(
    changed('COPY package.json ./', 'COPY package.json tsconfig.json ./').join('\n'),
    /tsconfig\.json: missing/,
  );
  const lua =
    required.find((p) => p.endsWith('.lua')) ?? assert.fail('no Lua script among the runtime files');
  image.files.delete(lua);
  assert.deepEqual(imageDifferences(dockerfile, image, required), [`${lua}: missing from the image`]);
});

function whyNotBuildable(): string | false {
  for (const tool of ['umoci', 'skopeo']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install ${tool})`;
  }
  if (process.getuid?.() !== 0) return 'scripts/image/build.sh needs root (it chowns and chroots)';
  return false;
}

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The image's config (skopeo) and its one layer's entries (`tar -tv`, numeric owners). */
function readImage(tar: string): BuiltImage & { tags: string[]; layers: number; platform: string } {
  const [manifest] = JSON.parse(run('tar', ['-xOf', tar, 'manifest.json'])) as {
    RepoTags: string[];
    Layers: string[];
  }[];
  assert.ok(manifest, `${tar} has no manifest`);
  const config = JSON.parse(run('skopeo', ['inspect', '--config', `docker-archive:${tar}`])) as {
    architecture: string;
    os: string;
    config: { User?: string; WorkingDir?: string; Cmd?: string[]; Entrypoint?: string[]; Env?: string[] };
  };
  const listing = run('sh', [
    '-c',
    'tar -xOf "$0" "$1" | tar --numeric-owner -tvf -',
    tar,
    manifest.Layers[0] ?? '',
  ]);
  const c = config.config;
  return {
    tags: manifest.RepoTags,
    layers: manifest.Layers.length,
    platform: `${config.os}/${config.architecture}`,
    user: c.User ?? '',
    workdir: c.WorkingDir ?? '',
    cmd: c.Cmd ?? [],
    entrypoint: c.Entrypoint ?? [],
    env: Object.fromEntries(
      (c.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    ),
    files: parseListing(listing),
  };
}

/** `tar --numeric-owner -tv` lines: "drwxr-xr-x 1000/1000 0 1970-01-01 00:00 app/.data/". */
function parseListing(listing: string): Map<string, ImageFile> {
  const files = new Map<string, ImageFile>();
  const types: Record<string, ImageFile['type']> = { d: 'dir', l: 'symlink', '-': 'file', h: 'file' };
  for (const line of listing.split('\n')) {
    const m = /^((\S)\S*)\s+(\d+)\/(\d+)\s+\d+\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, mode = '', kind = '', uid = '', gid = '', rest = ''] = m;
    const [name = '', target] = kind === 'l' ? rest.split(' -> ') : [rest];
    const type = types[kind] ?? 'other';
    files.set(`/${name.replace(/\/$/, '')}`, { type, uid: Number(uid), gid: Number(gid), mode, target });
  }
  return files;
}

test('the event-horizon image scripts/image/build.sh makes agrees with the Dockerfile', {
  skip: whyNotBuildable(),
  timeout: 15 * 60_000,
}, () => {
  // No import into a cluster from a test; a current image is not rebuilt.
  const env = { ...process.env };
  delete env.EVH_CONTAINERD_ADDRESS;
  const build = spawnSync('bash', [join(root, 'scripts/image/build.sh'), 'event-horizon'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(build.status, 0, `build.sh event-horizon failed:\n${build.stderr}`);

  const image = readImage(join(imagesDir, 'event-horizon.tar'));
  const version = /^appVersion:\s*"?([^"\s]+)"?/m.exec(
    readFileSync(join(root, 'charts/event-horizon/Chart.yaml'), 'utf8'),
  );
  assert.ok(
    image.tags.some(
      (t) => t === `docker.io/library/event-horizon:${version?.[1]}` || t === `event-horizon:${version?.[1]}`,
    ),
    `tags ${image.tags.join(', ')}`,
  );
  assert.equal(image.layers, 1);
  assert.equal(image.platform, 'linux/amd64');
  assert.deepEqual(imageDifferences(dockerfile, image, runtimeFiles()), []);
  const asRoot = parseDockerfile(dockerfileText.replace('USER 1000:1000', 'USER 0'));
  assert.notDeepEqual(
    imageDifferences(asRoot, image),
    [],
    'a Dockerfile that runs as root agrees with the image',
  );

  // The workspace packages are relative links that must land on a package inside the image.
  for (const ws of workspaces()) {
    const name = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')).name as string;
    const link = image.files.get(`/app/node_modules/${name}`);
    assert.equal(link?.type, 'symlink', `/app/node_modules/${name} is not a link`);
    const target = posix.resolve(posix.dirname(`/app/node_modules/${name}`), link?.target ?? '');
    assert.equal(target, `/app/${ws}`);
  }
  // Production dependencies only: each workspace's dependencies resolve from its folder, the
  // tools of the build do not ship.
  for (const ws of workspaces()) {
    const pkg = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const found = [`/app/${ws}/node_modules/${dep}`, `/app/node_modules/${dep}`].some((p) =>
        image.files.has(p),
      );
      assert.ok(found, `${ws} depends on ${dep}, which the image lacks`);
    }
  }
  for (const dev of ['typescript', '@biomejs/biome'])
    assert.ok(!image.files.has(`/app/node_modules/${dev}`), dev);
  // What the Dockerfile's node:20 base gives and the chart relies on: node, a shell, /tmp.
  assert.equal(image.files.get('/usr/bin/node')?.type, 'file');
  assert.ok(image.files.has('/bin') && image.files.get('/usr/bin/sh')?.type === 'symlink');
  assert.equal(image.files.get('/app/.data')?.uid, 1000);
  assert.equal(image.files.get('/app')?.uid, 0, '/app stays root-owned, read-only to the user');
  assert.equal(image.files.get('/tmp')?.mode, 'drwxrwxrwt');
});
