export interface OwnedPath {
  path: string;
  user: string;
  group?: string;
}

/** What the chart and the image built without Docker must agree with about the Dockerfile's image. */
export interface ImageFacts {
  /** USER of the last stage: a name or a number, as written. */
  user: string;
  group?: string;
  workdir: string;
  /** Paths a RUN `chown` (or a COPY --chown) of the last stage gives away (absolute, resolved against WORKDIR). */
  owned: OwnedPath[];
  /** CMD of the last stage in exec form; a shell form is run by /bin/sh -c. */
  cmd?: string[];
  entrypoint?: string[];
  /** ENV of the last stage, not what its base image sets. */
  env: Record<string, string>;
  /** The paths each COPY or ADD of the last stage writes (a destination ending in / gets each source's name). */
  copied: string[];
}

/**
 * Reads the last stage of a Dockerfile (the image that runs): USER, WORKDIR, CMD, ENTRYPOINT,
 * ENV, the COPY/ADD destinations and every `chown [-R] USER[:GROUP] PATH...` inside a RUN.
 * Enough for our one Dockerfile, not a general parser: continuation lines are joined,
 * `&&`/`;` split commands, variables are not expanded.
 */
export function parseDockerfile(text: string): ImageFacts {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const lastFrom = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  const facts: ImageFacts = { user: '0', workdir: '/', owned: [], env: {}, copied: [] };
  for (const line of lines.slice(lastFrom + 1)) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'USER': {
        const [user = '', group] = arg.split(':');
        facts.user = user;
        facts.group = group;
        break;
      }
      case 'WORKDIR':
        facts.workdir = resolvePath(facts.workdir, arg);
        break;
      case 'RUN':
        for (const command of arg.split(/&&|;/)) facts.owned.push(...chowned(command.trim(), facts.workdir));
        break;
      case 'CMD':
        facts.cmd = commandOf(arg);
        break;
      case 'ENTRYPOINT':
        facts.entrypoint = commandOf(arg);
        break;
      case 'ENV':
        Object.assign(facts.env, envOf(arg));
        break;
      case 'COPY':
      case 'ADD':
        copy(facts, arg);
        break;
    }
  }
  return facts;
}

/** The exec form (a JSON array) as is; the shell form as the shell runs it. */
function commandOf(arg: string): string[] {
  return arg.startsWith('[') ? (JSON.parse(arg) as string[]) : ['/bin/sh', '-c', arg];
}

/** `ENV A=1 B="two words"`, or the older `ENV KEY the rest is the value`. */
function envOf(arg: string): Record<string, string> {
  const env: Record<string, string> = {};
  const [first = ''] = arg.split(/\s/);
  if (!first.includes('=')) {
    env[first] = arg.slice(first.length).trim();
    return env;
  }
  for (const m of arg.matchAll(/([^\s=]+)=(?:"([^"]*)"|'([^']*)'|(\S*))/g)) {
    env[m[1] ?? ''] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return env;
}

function copy(facts: ImageFacts, arg: string): void {
  const words = arg.startsWith('[') ? (JSON.parse(arg) as string[]) : arg.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const dest = paths.pop() ?? '';
  const into = dest.endsWith('/') || paths.length > 1;
  const written = paths.map((src) =>
    resolvePath(facts.workdir, into ? `${dest}/${src.replace(/\/$/, '').split('/').pop()}` : dest),
  );
  facts.copied.push(...written);
  const chown = flags.find((f) => f.startsWith('--chown='))?.slice('--chown='.length);
  if (chown !== undefined) {
    const [user = '', group] = chown.split(':');
    facts.owned.push(...written.map((path) => ({ path, user, group })));
  }
}

function chowned(command: string, workdir: string): OwnedPath[] {
  const words = command.split(/\s+/);
  if (words[0] !== 'chown') return [];
  const [owner = '', ...paths] = words.slice(1).filter((w) => !w.startsWith('-'));
  const [user = '', group] = owner.split(':');
  return paths.map((p) => ({ path: resolvePath(workdir, p), user, group }));
}

function resolvePath(base: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${base}/${path}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

export interface ImageFile {
  type: 'file' | 'dir' | 'symlink' | 'other';
  uid: number;
  gid: number;
  /** The permissions as `ls -l` prints them (drwxrwxrwt), where known. */
  mode?: string;
  /** A symlink's target, as stored. */
  target?: string;
}

/** An image as its config and its layer say: what an OCI image config and `tar -tv` of the layer tell. */
export interface BuiltImage {
  /** The config's User, e.g. "1000:1000". */
  user: string;
  workdir: string;
  cmd: string[];
  entrypoint: string[];
  env: Record<string, string>;
  /** Every entry of the image's file system, by absolute path without a trailing slash. */
  files: Map<string, ImageFile>;
}

/**
 * Where an image built another way departs from the Dockerfile's: a different user, working
 * dir, command or ENV value, a folder the Dockerfile chowns that belongs to someone else, or a
 * path the Dockerfile copies (or the caller requires) that is not there. Empty when they agree.
 * Variables the base image sets (PATH) and files nothing reads at run time may differ.
 */
export function imageDifferences(
  dockerfile: ImageFacts,
  image: BuiltImage,
  required: string[] = [],
): string[] {
  return [...configDifferences(dockerfile, image), ...fileDifferences(dockerfile, image, required)];
}

function configDifferences(dockerfile: ImageFacts, image: BuiltImage): string[] {
  const out: string[] = [];
  const differ = (what: string, theirs: unknown, ours: unknown) => {
    const [a, b] = [JSON.stringify(theirs), JSON.stringify(ours)];
    if (a !== b) out.push(`${what}: the Dockerfile says ${a}, the image ${b}`);
  };
  differ(
    'USER',
    dockerfile.group === undefined ? dockerfile.user : `${dockerfile.user}:${dockerfile.group}`,
    image.user,
  );
  differ('WORKDIR', dockerfile.workdir, image.workdir);
  differ('CMD', dockerfile.cmd ?? [], image.cmd);
  differ('ENTRYPOINT', dockerfile.entrypoint ?? [], image.entrypoint);
  for (const [key, value] of Object.entries(dockerfile.env))
    differ(`ENV ${key}`, value, image.env[key] ?? null);
  return out;
}

function fileDifferences(dockerfile: ImageFacts, image: BuiltImage, required: string[]): string[] {
  const out: string[] = [];
  for (const o of dockerfile.owned) {
    const f = image.files.get(o.path);
    if (f === undefined) out.push(`${o.path}: chowned in the Dockerfile, missing from the image`);
    else if (String(f.uid) !== o.user || (o.group !== undefined && String(f.gid) !== o.group)) {
      out.push(
        `${o.path}: owned by ${o.user}:${o.group ?? '*'} in the Dockerfile, ${f.uid}:${f.gid} in the image`,
      );
    }
  }
  for (const path of [...dockerfile.copied, ...required]) {
    if (!image.files.has(path)) out.push(`${path}: missing from the image`);
  }
  return out;
}
