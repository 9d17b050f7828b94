import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@evh/testing';
import { archiveImageId, configIdOf } from './archive-image-id.js';

const hex = 'bbc7c6a1732cfab19767ec10f9355c3e9bf686fc1b487ad91f3548023e59db11';

test('the config named by manifest.json is the image id', () => {
  assert.equal(configIdOf(JSON.stringify([{ Config: `${hex}.json`, Layers: [] }])), `sha256:${hex}`);
  assert.equal(configIdOf(JSON.stringify([{ Config: `blobs/sha256/${hex}` }])), `sha256:${hex}`);
  assert.throws(() => configIdOf('[{}]'), /no image config/);
});

test('read from a tar whose manifest.json comes after a large entry, as skopeo writes it', async () => {
  const dir = tempDir('archive-id');
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'layer.tar'), Buffer.alloc(700_001, 7));
  writeFileSync(join(dir, 'in', `${hex}.json`), '{}');
  writeFileSync(join(dir, 'in', 'manifest.json'), JSON.stringify([{ Config: `${hex}.json` }]));
  const tar = join(dir, 'image.tar');
  execFileSync('tar', ['-cf', tar, '-C', join(dir, 'in'), 'layer.tar', `${hex}.json`, 'manifest.json']);
  assert.equal(await archiveImageId(tar), `sha256:${hex}`);
  execFileSync('tar', ['-cf', tar, '-C', join(dir, 'in'), 'layer.tar']);
  await assert.rejects(archiveImageId(tar), /no manifest\.json/);
});
