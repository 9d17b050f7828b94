import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOffsetTracker } from './offset-tracker.js';

test('nothing to commit before the first offset', () => {
  const t = createOffsetTracker();
  assert.equal(t.committable, undefined);
  assert.equal(t.next, undefined);
  assert.equal(t.pending, 0);
});

test('the committable offset stops at the oldest unfinished one', () => {
  const t = createOffsetTracker();
  const done = [10n, 11n, 12n, 13n].map((o) => t.add(o));
  assert.equal(t.committable, 10n);
  done[1]?.();
  done[2]?.();
  assert.equal(t.committable, 10n, 'finished out of order: 10 still pending');
  done[0]?.();
  assert.equal(t.committable, 13n);
  assert.equal(t.pending, 1);
  done[3]?.();
  assert.equal(t.committable, 14n, 'all finished: one past the newest');
  assert.equal(t.pending, 0);
});

test('offsets may skip (compaction, transaction markers) but never go back', () => {
  const t = createOffsetTracker();
  t.add(5n)();
  const d = t.add(9n);
  assert.equal(t.committable, 9n);
  d();
  assert.equal(t.committable, 10n);
  assert.throws(() => t.add(9n), /added after 9/);
});

test('finishing twice counts once', () => {
  const t = createOffsetTracker();
  const d = t.add(1n);
  t.add(2n);
  d();
  d();
  assert.equal(t.pending, 1);
  assert.equal(t.committable, 2n);
});

test('a long run keeps only what is pending', () => {
  const t = createOffsetTracker();
  const keep = t.add(0n);
  for (let o = 1n; o < 5000n; o++) t.add(o)();
  assert.equal(t.committable, 0n);
  keep();
  assert.equal(t.committable, 5000n);
  assert.equal(t.pending, 0);
});
