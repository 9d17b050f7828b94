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

test('with durableAfterMs, a finished prefix is committable only once it is that old', () => {
  const clock = { now: 10_000 };
  const t = createOffsetTracker({ durableAfterMs: 2000, now: () => clock.now });
  const done = [0n, 1n, 2n, 3n].map((o) => t.add(o));
  assert.equal(t.committable, 0n, 'the start of the generation: nothing finished before it');
  done[0]?.();
  done[1]?.();
  assert.equal(t.committable, 0n, 'finished just now: not yet on disk');
  clock.now += 1000;
  done[2]?.();
  clock.now += 999;
  assert.equal(t.committable, 0n);
  clock.now += 1;
  assert.equal(t.committable, 2n, '0 and 1 finished 2 s ago');
  clock.now += 999;
  assert.equal(t.committable, 2n, '2 finished 1.999 s ago');
  clock.now += 1;
  assert.equal(t.committable, 3n);
  done[3]?.();
  clock.now += 2000;
  assert.equal(t.committable, 4n);
});

test('with durableAfterMs, an offset added after an idle spell commits with what came before it', () => {
  const clock = { now: 0 };
  const t = createOffsetTracker({ durableAfterMs: 2000, now: () => clock.now });
  t.add(5n)();
  clock.now += 500;
  // 6-8 do not exist (compaction): committing 9 says no more than committing 6.
  const d = t.add(9n);
  clock.now += 1500;
  assert.equal(t.committable, 9n, 'durable as of when 5 finished');
  d();
  assert.equal(t.committable, 9n);
  clock.now += 2000;
  assert.equal(t.committable, 10n);
});

test('with durableAfterMs, a busy partition keeps a bounded number of marks and never stalls', () => {
  const clock = { now: 0 };
  const t = createOffsetTracker({ durableAfterMs: 2000, now: () => clock.now });
  let committed = 0n;
  for (let o = 0n; o < 100_000n; o++) {
    t.add(o)();
    clock.now += 1; // one event a millisecond, for 100 s
    if (o % 200n === 0n) {
      const c = t.committable as bigint;
      assert.ok(c >= committed, 'never goes back');
      committed = c;
      assert.ok(BigInt(clock.now) - c <= 2100n, `committable ${c} lags ${BigInt(clock.now) - c} ms`);
    }
  }
});
