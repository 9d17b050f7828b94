import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/*
 * What each TypeScript project of the repository says it depends on, read three ways: its
 * package.json (what npm links and the image keeps), its tsconfig references (what tsc -b
 * builds first) and its imports (what it needs).
 */

export interface Project {
  /** Relative to the repository, e.g. services/ingest. */
  dir: string;
  /** The package's @evh/* dependencies and devDependencies; undefined without a package.json. */
  declared: string[] | undefined;
  /** The @evh/* packages its tsconfig references (sub-projects of its own folder left out). */
  references: string[];
  /** The @evh/* packages its sources import. */
  imported: string[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The workspace folders of the root package.json (its `dir/*` patterns), relative to the root. */
export function workspaceDirs(root: string): string[] {
  const patterns = readJson<PackageJson>(join(root, 'package.json')).workspaces ?? [];
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) throw new Error(`workspace pattern ${pattern}: only dir/* is read here`);
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(root, parent, e.name, 'package.json')))
      .map((e) => `${parent}/${e.name}`);
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' || e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const IMPORT = /(?:from|import\()\s*['"](@evh\/[a-z0-9-]+)/g;

function importedPackages(dir: string, self: string | undefined): string[] {
  const names = sourceFiles(dir).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(IMPORT)].map((m) => m[1]),
  );
  return [...new Set(names)].filter((n): n is string => n !== undefined && n !== self).sort();
}

function referencedPackages(root: string, dir: string, nameOf: Map<string, string>): string[] {
  const tsconfig = readJson<{ references?: { path: string }[] }>(join(root, dir, 'tsconfig.json'));
  return (tsconfig.references ?? [])
    .map((r) => relative(root, resolve(root, dir, r.path)))
    .filter((target) => !`${target}${sep}`.startsWith(`${dir}${sep}`))
    .map((target) => nameOf.get(target) ?? `<not a workspace: ${target}>`)
    .sort();
}

/** Every workspace, and the projects beside them that have a tsconfig but no package.json. */
export function projects(root: string, withoutPackage: string[]): Project[] {
  const dirs = workspaceDirs(root);
  const manifests = new Map(dirs.map((d) => [d, readJson<PackageJson>(join(root, d, 'package.json'))]));
  const nameOf = new Map(dirs.map((d) => [d, manifests.get(d)?.name ?? d]));
  return [...dirs, ...withoutPackage].map((dir) => {
    const pkg = manifests.get(dir);
    const declared = pkg
      ? Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
          .filter((n) => n.startsWith('@evh/'))
          .sort()
      : undefined;
    return {
      dir,
      declared,
      references: referencedPackages(root, dir, nameOf),
      imported: importedPackages(join(root, dir), pkg?.name),
    };
  });
}

/** What one list has that the other has not, for a failure message. */
export function difference(a: string[], b: string[]): string {
  const only = (x: string[], y: string[]) => x.filter((n) => !y.includes(n)).join(', ') || 'nothing';
  return `only in the first: ${only(a, b)}; only in the second: ${only(b, a)}`;
}
