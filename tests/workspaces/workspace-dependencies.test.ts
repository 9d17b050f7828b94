// Issue 16: each workspace lists its workspace dependencies twice, in package.json and as
// tsconfig references, and the two had drifted apart (the services' tests used @evh/testing
// without declaring it; the reporter declared @evh/storage and never imported it). Both lists
// are kept by hand, and this keeps them one: equal to each other and to what the code imports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '@evh/testing';
import { difference, projects, workspaceDirs } from './workspace-dependencies.js';

// Compiled by tsc -b, run from the root's node_modules: no package.json of their own.
const WITHOUT_PACKAGE = ['tests', 'loadtest'];
const all = projects(repoRoot, WITHOUT_PACKAGE);

describe('workspace dependencies', () => {
  it('finds the workspaces', () => {
    assert.ok(all.some((p) => p.dir === 'services/ingest'));
    assert.ok(all.some((p) => p.dir === 'packages/testing'));
  });

  for (const p of all) {
    if (p.declared) {
      const declared = p.declared;
      it(`${p.dir}: its tsconfig references are its package.json's @evh/* dependencies`, () => {
        assert.deepEqual(p.references, declared, difference(p.references, declared));
      });
      it(`${p.dir}: its package.json declares exactly the @evh/* packages it imports`, () => {
        assert.deepEqual(declared, p.imported, difference(declared, p.imported));
      });
    } else {
      it(`${p.dir}: its tsconfig references exactly the @evh/* packages it imports`, () => {
        assert.deepEqual(p.references, p.imported, difference(p.references, p.imported));
      });
    }
  }

  it('the root tsconfig builds every workspace and project', () => {
    const root = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')) as {
      references: { path: string }[];
    };
    const built = root.references.map((r) => r.path);
    const missing = [...workspaceDirs(repoRoot), ...WITHOUT_PACKAGE].filter((d) => !built.includes(d));
    assert.deepEqual(missing, []);
  });
});
