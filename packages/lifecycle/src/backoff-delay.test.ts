import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff-delay.js';

test('doubles from initialMs per failure and stops at maxMs', () => {
  const o = { initialMs: 100, maxMs: 1000 };
  const cases: [number, number][] = [
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [60, 1000],
    [5000, 1000],
  ];
  for (const [failures, expected] of cases) assert.equal(backoffDelay(failures, o), expected, `${failures}`);
  // Zero failures (a first try that is itself delayed) waits initialMs, never less.
  assert.equal(backoffDelay(0, o), 100);
});

test('adds up to the jitter fraction, at random, on top of the capped delay', () => {
  const o = { initialMs: 100, maxMs: 250, jitter: 0.25 };
  assert.equal(backoffDelay(1, { ...o, random: () => 0 }), 100);
  assert.equal(backoffDelay(1, { ...o, random: () => 0.5 }), 113);
  assert.equal(backoffDelay(3, { ...o, random: () => 0.999 }), 312);
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(2, o);
    assert.ok(d >= 200 && d <= 250, `${d}`);
  }
});

test('factor: a steeper growth than doubling', () => {
  const o = { initialMs: 200, maxMs: Number.POSITIVE_INFINITY, factor: 3 };
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => backoffDelay(n, o)),
    [200, 600, 1800, 5400],
  );
});
