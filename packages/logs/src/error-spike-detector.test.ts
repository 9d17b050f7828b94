import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createErrorSpikeDetector } from './error-spike-detector.js';

const small = { windowSize: 4, minErrors: 2, factor: 2, minIncrease: 0.2, minHistory: 4 };

/** Feeds a sequence written as E (error) and . (other) and returns where spikes start. */
function spikesIn(sequence: string, config = small): number[] {
  const detector = createErrorSpikeDetector(config);
  return [...sequence].flatMap((c, i) => (detector.push(c === 'E') ? [i] : []));
}

describe('createErrorSpikeDetector', () => {
  it('fires once per episode where the window rises above the baseline', () => {
    const cases: [string, string, number[], typeof small?][] = [
      ['a burst after a quiet history', '........EEEE....', [9]],
      ['two episodes', '........EE....EE', [9, 15]],
      ['nothing but quiet', '................', []],
      ['errors from the start: no baseline yet, then nothing above it', 'EEEEEEEEEEEE', []],
      ['a steady 50% error rate is the baseline, not a spike', '.E.E.E.E.E.E.E.E.E.E', []],
      ['too few errors for the minimum', '........EE......', [], { ...small, minErrors: 3 }],
      ['no history required, but a full window', 'EE..', [3], { ...small, minHistory: 0 }],
    ];
    for (const [what, sequence, expected, config] of cases) {
      assert.deepEqual(spikesIn(sequence, config), expected, what);
    }
  });

  it('reports the window, its share, the baseline and the threshold', () => {
    const detector = createErrorSpikeDetector(small);
    const results = [...'........EE'].map((c) => detector.push(c === 'E'));
    assert.deepEqual(results.at(-1), { errors: 2, window: 4, share: 0.5, baseline: 0, threshold: 0.2 });
  });

  it('is deterministic: the same sequence gives the same spikes', () => {
    let seed = 7;
    const sequence = Array.from({ length: 5_000 }, () => {
      seed = (seed * 48271) % 2147483647;
      return seed % 10 < (seed % 1000 < 50 ? 9 : 2) ? 'E' : '.';
    }).join('');
    const config = { windowSize: 50, minErrors: 10, factor: 2, minIncrease: 0.2, minHistory: 50 };
    assert.deepEqual(spikesIn(sequence, config), spikesIn(sequence, config));
  });
});
