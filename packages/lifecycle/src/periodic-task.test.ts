import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPeriodicTask } from './periodic-task.js';

test('runs never overlap: the interval counts from the end of the previous run', async () => {
  let running = 0;
  let most = 0;
  let runs = 0;
  const task = createPeriodicTask({
    intervalMs: 5,
    run: async () => {
      running++;
      most = Math.max(most, running);
      await sleep(30);
      running--;
      runs++;
    },
    onError: (err) => assert.fail(String(err)),
  });
  const started = Date.now();
  task.start();
  task.start(); // a second start is no second loop
  await sleep(200);
  await task.stop();
  const elapsed = Date.now() - started;
  assert.equal(most, 1);
  // Each cycle is at least 35 ms (a run, then the interval): more runs would mean overlap.
  assert.ok(runs >= 2 && runs <= Math.floor(elapsed / 35) + 1, `${runs} runs in ${elapsed} ms`);
});

test('a failing run is reported and the loop goes on', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const task = createPeriodicTask({
    intervalMs: 5,
    run: async () => {
      runs++;
      throw new Error(`run ${runs}`);
    },
    onError: (err) => errors.push(err),
  });
  task.start();
  await sleep(60);
  await task.stop();
  assert.ok(runs >= 3, `${runs} runs`);
  assert.equal(errors.length, runs);
});

test('stop waits for the run under way, and no run starts after it', async () => {
  let finished = false;
  let runs = 0;
  const task = createPeriodicTask({
    intervalMs: 1,
    run: async () => {
      runs++;
      await sleep(40);
      finished = true;
    },
    onError: (err) => assert.fail(String(err)),
  });
  task.start();
  await sleep(10);
  await task.stop();
  assert.equal(finished, true, 'the run under way finished before stop resolved');
  const at = runs;
  await sleep(30);
  assert.equal(runs, at, 'nothing ran after stop');
  await task.stop(); // idempotent
});

test('runAtStart: the first run starts within start(), the next one an interval after it', async () => {
  const at: number[] = [];
  const task = createPeriodicTask({
    intervalMs: 40,
    runAtStart: true,
    run: async () => {
      at.push(Date.now());
    },
    onError: (err) => assert.fail(String(err)),
  });
  const started = Date.now();
  task.start();
  assert.equal(at.length, 1, 'ran at once, not after the interval');
  await sleep(60);
  await task.stop();
  // At least the interval's run too (a loaded machine may fire a late timer even later).
  assert.ok(at.length >= 2, `${at.length} runs`);
  assert.ok((at[1] ?? 0) - started >= 38, `second run after ${(at[1] ?? 0) - started} ms`);
});

test('retryAfterMs: a failed run is followed sooner than a good one', async () => {
  let runs = 0;
  const errors: unknown[] = [];
  const task = createPeriodicTask({
    intervalMs: 10_000,
    retryAfterMs: 5,
    runAtStart: true,
    run: async () => {
      runs++;
      if (runs < 3) throw new Error(`down ${runs}`);
    },
    onError: (err) => errors.push(err),
  });
  task.start();
  await sleep(300);
  await task.stop();
  // Two failures 5 ms apart, then a success waits the full 10 s interval.
  assert.equal(runs, 3);
  assert.equal(errors.length, 2);
});

test('a start after stop starts nothing', async () => {
  let runs = 0;
  const task = createPeriodicTask({
    intervalMs: 1,
    runAtStart: true,
    run: async () => {
      runs++;
    },
    onError: () => {},
  });
  await task.stop();
  task.start();
  await sleep(20);
  assert.equal(runs, 0);
});
