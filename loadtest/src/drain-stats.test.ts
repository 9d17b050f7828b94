import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSpread, median, roundRatios, spread } from './drain-stats.js';

test('median of an odd and an even count, and of nothing', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('median does not reorder the caller’s array', () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});

test('spread keeps the range beside the median', () => {
  assert.deepEqual(spread([10, 30, 20]), { median: 20, min: 10, max: 30, n: 3 });
});

test('ratios pair the runs of one round, not the medians', () => {
  // Medians 20 and 10 would say 2; the rounds say 4, 1 and 1.5.
  assert.deepEqual(roundRatios([40, 10, 30], [10, 10, 20]), [4, 1, 1.5]);
  assert.throws(() => roundRatios([1, 2], [1]), /pair up/);
});

test('a single run shows no range', () => {
  assert.equal(formatSpread(spread([2]), 1), '2.0');
  assert.equal(formatSpread(spread([1, 2, 4]), 1), '2.0 (1.0–4.0)');
});
