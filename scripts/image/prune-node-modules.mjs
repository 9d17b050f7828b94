// Removes from a production node_modules what Node 20 never loads, to keep the app image
// small:   node prune-node-modules.mjs DIR/node_modules
//  - TypeScript sources and declarations (.ts, .d.ts, ...): Node 20 cannot run them;
//  - source maps of dependencies: read only with --enable-source-maps, and then only to
//    rename frames inside a library;
//  - a package's alternative builds for bundlers: without an "exports" map Node resolves a
//    package through "main" alone, so a "module"/"esnext"/"es2015" build in a folder of its
//    own is dead weight (the OpenTelemetry packages ship three copies of each file: CommonJS,
//    esm, esnext). Packages with "exports" are left whole: their conditions may pick any build.
// The build then starts each service in the image rootfs, so a module this removed by mistake
// fails the build, not the pod.
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

const deadFile = /\.(d\.)?[cm]?tsx?$|\.[cm]?js\.map$|\.d\.[cm]?ts\.map$/;
const bundlerFields = ['module', 'esnext', 'es2015', 'jsnext:main'];

let freed = 0;

function sizeOf(path) {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of readdirSync(path)) total += sizeOf(join(path, e));
  return total;
}

function remove(path) {
  freed += sizeOf(path);
  rmSync(path, { recursive: true, force: true });
}

/** Folder of a package-relative file ("build/src/index.js" -> "build/src"), '.' for the root. */
function folderOf(file) {
  return normalize(dirname(file)).replace(/\/$/, '') || '.';
}

const inside = (dir, parent) => parent === '.' || dir === parent || dir.startsWith(`${parent}${sep}`);

function pruneBundlerBuilds(pkgDir) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return;
  }
  if (pkg.exports !== undefined || typeof pkg.name !== 'string') return;
  const main = folderOf(typeof pkg.main === 'string' ? pkg.main : 'index.js');
  for (const field of bundlerFields) {
    const file = pkg[field];
    if (typeof file !== 'string') continue;
    const dir = folderOf(file);
    // Only a folder apart from main's: never main's own, one holding it, or one inside it.
    if (dir === '.' || dir.startsWith('..') || inside(main, dir) || inside(dir, main)) continue;
    const path = join(pkgDir, dir);
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) remove(path);
  }
}

function walk(dir) {
  if (lstatSync(join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile()) pruneBundlerBuilds(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Symlinks are the workspace links and .bin entries: what they point at is not ours to cut.
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) walk(path);
    else if (deadFile.test(entry.name)) remove(path);
  }
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node prune-node-modules.mjs DIR/node_modules');
  process.exit(2);
}
walk(root);
console.log(`pruned ${(freed / 1e6).toFixed(1)} MB from ${root}`);
