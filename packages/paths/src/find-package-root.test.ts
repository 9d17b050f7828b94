import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { findPackageRoot, findRepoRoot } from './find-package-root.js';

// A repository of one workspace, with a compiled module three folders down in dist/.
const repo = mkdtempSync(join(tmpdir(), 'evh-paths-'));
const workspace = join(repo, 'services', 'svc');
const compiled = join(workspace, 'dist', 'src', 'redis', 'scripts.js');
mkdirSync(join(workspace, 'dist', 'src', 'redis'), { recursive: true });
writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'r', workspaces: ['services/*'] }));
writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'svc' }));
writeFileSync(compiled, '');

after(() => rmSync(repo, { recursive: true, force: true }));

describe('findPackageRoot', () => {
  it('finds the workspace of a compiled module, from its file URL or its path', () => {
    assert.equal(findPackageRoot(pathToFileURL(compiled).href), workspace);
    assert.equal(findPackageRoot(pathToFileURL(compiled)), workspace);
    assert.equal(findPackageRoot(compiled), workspace);
  });

  it('is the folder itself when it holds the package.json', () => {
    assert.equal(findPackageRoot(workspace), workspace);
  });

  it('throws, naming where it looked, when there is none', () => {
    assert.throws(() => findPackageRoot('/'), /no package\.json at or above \//);
  });
});

describe('findRepoRoot', () => {
  it('skips the workspace’s package.json for the one that declares workspaces', () => {
    assert.equal(findRepoRoot(pathToFileURL(compiled).href), repo);
    assert.equal(findRepoRoot(repo), repo);
  });

  it('finds this package and this repository from this compiled test (dist/src)', () => {
    assert.equal(findPackageRoot(import.meta.url), join(findRepoRoot(import.meta.url), 'packages', 'paths'));
    const root = JSON.parse(readFileSync(join(findRepoRoot(import.meta.url), 'package.json'), 'utf8'));
    assert.equal(root.name, 'event-horizon');
  });
});
