import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * A compiled module runs from dist/ (dist/src/redis/scripts.js, dist/test/x.test.js), while what
 * it reads beside the code stays in src/ or at the repository's root. Counting `..` back from
 * import.meta.url breaks whenever the layout or the output folder changes, and each copy breaks
 * differently; walking up to the package.json does not depend on where the compiled file is.
 */

function findUp(from: string | URL, matches: (dir: string) => boolean, what: string): string {
  const start = typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from);
  let dir = start;
  for (;;) {
    if (matches(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no ${what} at or above ${start}`);
    dir = parent;
  }
}

/**
 * The folder of the nearest package.json at or above `from` (a module's import.meta.url, or a
 * path): a workspace's root, where its src/ and package.json are.
 */
export function findPackageRoot(from: string | URL): string {
  return findUp(from, (dir) => existsSync(join(dir, 'package.json')), 'package.json');
}

function declaresWorkspaces(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  return 'workspaces' in (JSON.parse(readFileSync(file, 'utf8')) as object);
}

/** The repository's root: the nearest package.json at or above `from` that declares workspaces. */
export function findRepoRoot(from: string | URL): string {
  return findUp(from, declaresWorkspaces, 'package.json with workspaces');
}
