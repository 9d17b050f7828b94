import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { emptyWatchState, isProcessed, loadWatchState, saveWatchState } from './watch-state.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-state-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('watch state', () => {
  it('starts empty without a file, and round-trips through an atomic save', async () => {
    const path = join(dir, 'state.json');
    assert.deepEqual(await loadWatchState(path), emptyWatchState());
    const state = emptyWatchState();
    state.files['a.txt'] = {
      size: 10,
      mtimeMs: 123.5,
      processedAt: '2025-07-22T00:00:00.000Z',
      outcome: 'analysed',
    };
    await saveWatchState(path, state);
    assert.deepEqual(await loadWatchState(path), state);
    assert.deepEqual(await readdir(dir), ['state.json'], 'no temporary file left behind');
  });

  it('refuses a corrupt file rather than starting over', async () => {
    for (const content of ['{"version":1,"files":', '{"version":2,"files":{}}', '[]']) {
      const path = join(dir, 'corrupt.json');
      await writeFile(path, content);
      await assert.rejects(
        loadWatchState(path),
        (err) => isCodedError(err) && err.code === 'CLI_STATE_CORRUPT',
      );
    }
  });

  it('knows a file by name, size and mtime', () => {
    const state = emptyWatchState();
    state.files['a.txt'] = { size: 10, mtimeMs: 5, processedAt: 'x', outcome: 'uploaded', jobId: 'j' };
    const cases: [{ name: string; size: number; mtimeMs: number }, boolean][] = [
      [{ name: 'a.txt', size: 10, mtimeMs: 5 }, true],
      [{ name: 'a.txt', size: 11, mtimeMs: 5 }, false],
      [{ name: 'a.txt', size: 10, mtimeMs: 6 }, false],
      [{ name: 'b.txt', size: 10, mtimeMs: 5 }, false],
    ];
    for (const [file, expected] of cases)
      assert.equal(isProcessed(state, file), expected, JSON.stringify(file));
  });
});
