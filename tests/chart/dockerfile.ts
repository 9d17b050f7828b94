export interface OwnedPath {
  path: string;
  user: string;
  group?: string;
}

/** What the chart must agree with about the image: its user, working dir, folders it owns. */
export interface ImageFacts {
  /** USER of the last stage: a name or a number, as written. */
  user: string;
  group?: string;
  workdir: string;
  /** Paths a RUN `chown` of the last stage gives away (absolute, resolved against WORKDIR). */
  owned: OwnedPath[];
}

/**
 * Reads the last stage of a Dockerfile (the image that runs): USER, WORKDIR and every
 * `chown [-R] USER[:GROUP] PATH...` inside a RUN. Enough for our one Dockerfile, not a
 * general parser: continuation lines are joined, `&&`/`;` split commands.
 */
export function parseDockerfile(text: string): ImageFacts {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const lastFrom = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  const facts: ImageFacts = { user: '0', workdir: '/', owned: [] };
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
    }
  }
  return facts;
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
