import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { listInput, planTasks, splitFile } from './plan-tasks.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-plan-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('splitFile', () => {
  it('cuts into ranges that cover the file and start on line boundaries', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'z'.repeat(i % 17)}`);
    for (const tail of ['\n', '']) {
      const content = lines.join('\n') + tail;
      const path = await file(`lines${tail ? 'nl' : ''}.txt`, content);
      const bytes = await readFile(path);
      for (const chunk of [1, 10, 64, 999, 100_000]) {
        const ranges = await splitFile(path, bytes.length, chunk);
        assert.equal(ranges[0]?.[0], 0);
        assert.equal(ranges.at(-1)?.[1], bytes.length);
        for (let i = 1; i < ranges.length; i++) {
          assert.equal(ranges[i]?.[0], ranges[i - 1]?.[1], 'contiguous');
          assert.equal(bytes[(ranges[i]?.[0] as number) - 1], 10, 'starts after a newline');
        }
        const rejoined = ranges.map(([s, e]) => bytes.subarray(s, e).toString()).join('');
        assert.equal(rejoined, content, `chunk ${chunk}`);
      }
    }
  });

  it('keeps a line longer than the chunk in one range, and an empty file is one empty range', async () => {
    const path = await file('long.txt', `a\n${'y'.repeat(300_000)}\nb\n`);
    // The first range runs to the newline at or after its nominal end: past the long line.
    assert.deepEqual(await splitFile(path, 300_006, 10), [
      [0, 300_003],
      [300_003, 300_006],
    ]);
    assert.deepEqual(await splitFile(await file('empty.txt', ''), 0, 10), [[0, 0]]);
  });
});

describe('listInput and planTasks', () => {
  it('lists a folder’s regular, visible files in name order, each with its format', async () => {
    const folder = join(dir, 'folder');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await writeFile(join(folder, 'b.txt'), 'x\n');
    await writeFile(join(folder, 'a.jsonl'), '{}\n');
    await writeFile(join(folder, '.state.json'), '{}');
    const files = await listInput(folder);
    assert.deepEqual(
      files.map((f) => [f.name, f.size]),
      [
        ['a.jsonl', 3],
        ['b.txt', 2],
      ],
    );
    const tasks = await planTasks(files, 1024);
    assert.deepEqual(
      tasks.map((t) => [t.index, t.name, t.format, t.start, t.end]),
      [
        [0, 'a.jsonl', 'jsonl', 0, 3],
        [1, 'b.txt', 'text', 0, 2],
      ],
    );
  });

  it('fails with CLI_INPUT_NOT_FOUND for a missing path', async () => {
    await assert.rejects(
      listInput(join(dir, 'nope')),
      (err) => isCodedError(err) && err.code === 'CLI_INPUT_NOT_FOUND',
    );
  });
});
