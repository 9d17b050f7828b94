import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLines } from './read-lines.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-read-lines-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(
  content: string | Buffer,
  options: { start?: number; end?: number; max?: number; hwm?: number } = {},
) {
  const path = join(dir, `f-${Math.random()}`);
  await writeFile(path, content);
  const size = Buffer.byteLength(content);
  const out: (string | number)[] = [];
  await readLines(
    path,
    {
      start: options.start ?? 0,
      end: options.end ?? size,
      maxLineBytes: options.max ?? 1000,
      highWaterMark: options.hwm,
    },
    { line: (t) => out.push(t), tooLong: (n) => out.push(n) },
  );
  return out;
}

describe('readLines', () => {
  it('yields each line once, whatever the read size', async () => {
    const text = 'alpha\nbeta\n\ngamma delta\nlast without newline';
    const expected = ['alpha', 'beta', '', 'gamma delta', 'last without newline'];
    for (const hwm of [1, 2, 3, 7, 64 * 1024])
      assert.deepEqual(await collect(text, { hwm }), expected, `hwm ${hwm}`);
  });

  it('keeps a final newline from adding an empty line, and an empty file has none', async () => {
    assert.deepEqual(await collect('a\nb\n'), ['a', 'b']);
    assert.deepEqual(await collect(''), []);
    assert.deepEqual(await collect('\n'), ['']);
  });

  it('decodes UTF-8 split across reads', async () => {
    assert.deepEqual(await collect('zahlung €5 ✓\nçà\n', { hwm: 1 }), ['zahlung €5 ✓', 'çà']);
  });

  it('reads only its byte range', async () => {
    assert.deepEqual(await collect('one\ntwo\nthree\n', { start: 4, end: 8 }), ['two']);
  });

  it('skips a line past the limit whole, reports its size, and carries on', async () => {
    const long = 'x'.repeat(50);
    for (const hwm of [4, 16, 1024]) {
      assert.deepEqual(
        await collect(`ok\n${long}\nfine\n${long}`, { max: 20, hwm }),
        ['ok', 50, 'fine', 50],
        `hwm ${hwm}`,
      );
    }
    assert.deepEqual(await collect('x'.repeat(20), { max: 20 }), ['x'.repeat(20)], 'at the limit is fine');
  });

  it('passes CR and invalid bytes through for the parser to judge', async () => {
    assert.deepEqual(await collect(Buffer.from([0x61, 0x0d, 0x0a, 0xff, 0xfe, 0x0a])), [
      'a\r',
      '\uFFFD\uFFFD',
    ]);
  });
});
