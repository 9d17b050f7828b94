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
});
