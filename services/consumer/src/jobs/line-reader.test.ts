import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineReader } from './line-reader.js';

interface Seen {
  text: string;
  end: number;
  bytes: number;
  tooLong: boolean;
}

/** Feeds `bytes` cut at `cuts` and collects every line. */
function read(bytes: Buffer, cuts: number[], max: number, start = 0): Seen[] {
  const reader = new LineReader(start, max);
  const seen: Seen[] = [];
  const collect = () =>
    seen.push({ text: reader.text, end: reader.end, bytes: reader.bytes, tooLong: reader.tooLong });
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    reader.feed(bytes.subarray(from, to));
    while (reader.next()) collect();
    from = to;
  }
  reader.endOfStream();
  while (reader.next()) collect();
  return seen;
}

test('lines, their end offsets and lengths, however the buffers are cut', () => {
  const text = 'alpha\r\nbé\n\nlast without newline';
  const bytes = Buffer.from(text);
  const expected = [
    { text: 'alpha', end: 7, bytes: 7, tooLong: false },
    { text: 'bé', end: 11, bytes: 4, tooLong: false },
    { text: '', end: 12, bytes: 1, tooLong: false },
    { text: 'last without newline', end: bytes.length, bytes: 20, tooLong: false },
  ];
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b++) {
      assert.deepEqual(read(bytes, [a, b], 1024), expected, `cut at ${a}, ${b}`);
    }
  }
});

test('a line over the limit is reported too long, never held; the next line is whole', () => {
  const bytes = Buffer.from(`${'x'.repeat(50)}\nshort\n${'y'.repeat(30)}`);
  for (const cuts of [[], [10], [10, 20, 30, 40, 55], [51]]) {
    assert.deepEqual(read(bytes, cuts, 20), [
      { text: '', end: 51, bytes: 51, tooLong: true },
      { text: 'short', end: 57, bytes: 6, tooLong: false },
      { text: '', end: 87, bytes: 30, tooLong: true },
    ]);
  }
});

test('offsets count from where a resumed read starts', () => {
  assert.deepEqual(read(Buffer.from('a\nb\n'), [1], 10, 100), [
    { text: 'a', end: 102, bytes: 2, tooLong: false },
    { text: 'b', end: 104, bytes: 2, tooLong: false },
  ]);
});
