import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUserBurstDetector } from './user-burst-detector.js';

// threshold = max(minCount 3, ceil(0.5 × 5)) = 3 events of the last 5
const small = { windowSize: 5, minCount: 3, share: 0.5 };

function burstsIn(users: (string | undefined)[], config = small): [number, string, number][] {
  const detector = createUserBurstDetector(config);
  return users.flatMap((u, i) => {
    const burst = detector.push(u);
    return burst ? [[i, burst.user, burst.count] as [number, string, number]] : [];
  });
}

describe('createUserBurstDetector', () => {
  it('fires when one user takes an outsized share of the window, once per episode', () => {
    const _ = undefined;
    const cases: [string, (string | undefined)[], [number, string, number][], typeof small?][] = [
      ['varied users', ['a', 'b', 'c', 'd', 'e', 'f', 'a', 'b'], []],
      ['a takes 3 of 5', ['a', 'b', 'a', 'c', 'a'], [[4, 'a', 3]]],
      ['a stays busy: still one episode', ['a', 'b', 'a', 'c', 'a', 'a', 'd'], [[4, 'a', 3]]],
      [
        'a calms down, then bursts again',
        ['a', 'b', 'a', 'c', 'a', 'a', 'd', 'e', 'a'],
        [
          [4, 'a', 3],
          [8, 'a', 3],
        ],
      ],
      [
        'two users at once',
        ['a', 'b', 'a', 'b', 'a', 'b'],
        [
          [4, 'a', 3],
          [5, 'b', 3],
        ],
      ],
      ['events without a user are never a burst', [_, _, _, _, _, _], []],
      [
        'the minimum count holds in a big window',
        ['a', 'a', 'a'],
        [],
        { windowSize: 100, minCount: 10, share: 0.01 },
      ],
    ];
    for (const [what, users, expected, config] of cases)
      assert.deepEqual(burstsIn(users, config), expected, what);
  });
});
