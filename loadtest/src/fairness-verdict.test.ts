import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fairnessVerdict, type RunFigures } from './fairness-verdict.js';

const run = (p50: number, p99: number): RunFigures => ({
  alone: { p50: 30, p99: 40 },
  flood: { p50: 30 * p50, p99: 40 * p99 },
});

test('met: the median within 1.2× and four runs of five on their own', () => {
  const v = fairnessVerdict([run(1, 1.1), run(1, 1.15), run(1.05, 1.5), run(1, 1.0), run(1, 1.19)]);
  assert.equal(v.p99Met, 4);
  assert.ok(Math.abs(v.p99.median - 1.15) < 1e-9);
  assert.equal(v.met, true);
});

test('not met when two runs of five miss, though the median is fine', () => {
  const v = fairnessVerdict([run(1, 1.1), run(1, 1.15), run(1, 1.5), run(1, 1.6), run(1, 1.19)]);
  assert.equal(v.p99Met, 3);
  assert.equal(v.met, false);
});

test('not met when the median p50 ratio is over 1.1×', () => {
  const v = fairnessVerdict([run(1.2, 1), run(1.2, 1), run(1, 1)]);
  assert.equal(v.met, false);
});

test('no runs meet nothing', () => {
  assert.equal(fairnessVerdict([]).met, false);
});
