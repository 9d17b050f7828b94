import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDuplicateLineDetector } from './duplicate-line-detector.js';

describe('createDuplicateLineDetector', () => {
  it('answers how many lines back the same text was, within its memory', () => {
    const cases: [string, number, string[], (number | undefined)[]][] = [
      ['no repeats', 10, ['a', 'b', 'c'], [undefined, undefined, undefined]],
      ['repeats', 10, ['a', 'b', 'a', 'a'], [undefined, undefined, 2, 1]],
      // memory 2: only the last two lines are remembered
      [
        'bounded memory',
        2,
        ['a', 'b', 'a', 'c', 'a', 'b', 'c', 'a'],
        [undefined, undefined, 2, undefined, 2, undefined, undefined, undefined],
      ],
      ['off', 0, ['a', 'a'], [undefined, undefined]],
    ];
    for (const [what, memory, lines, expected] of cases) {
      const detector = createDuplicateLineDetector(memory);
      assert.deepEqual(
        lines.map((text, i) => detector.push(text, i + 1)),
        expected,
        what,
      );
    }
  });

  it('answers as remembering the lines themselves would, over long runs with many repeats', () => {
    // The model: the last `memory` lines kept as they are, searched from the newest.
    const model = (lines: string[], memory: number) =>
      lines.map((text, i) => {
        for (let back = 1; back <= Math.min(memory, i); back++) if (lines[i - back] === text) return back;
        return undefined;
      });
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    // Few distinct lines (repeats at every distance, in and out of memory) and many (a full
    // table, long probe runs); lengths from 0 to 20, odd and even for the fingerprint's pairs
    // of characters, non-ASCII too.
    const alphabet = ['a', 'b', 'é', '\ud83d', '\ude00', ' '];
    const word = () =>
      Array.from({ length: Math.floor(next() * 21) }, () => alphabet[Math.floor(next() * 6)]).join('');
    for (const kinds of [60, 3_000]) {
      const distinct = Array.from({ length: kinds }, word);
      const lines = Array.from({ length: 5_000 }, () => distinct[Math.floor(next() * kinds)] as string);
      for (const memory of [1, 2, 3, 10, 64, 100, 1_000]) {
        const detector = createDuplicateLineDetector(memory);
        assert.deepEqual(
          lines.map((text, i) => detector.push(text, i + 1)),
          model(lines, memory),
          `${kinds} distinct lines, memory ${memory}`,
        );
      }
    }
  });
});
