import assert from 'node:assert/strict';
import { test } from 'node:test';
import { singleFlight } from './single-flight.js';

/** Work whose calls the test settles by hand. */
function controlled() {
  const calls: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const work = () =>
    new Promise<number>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { calls, work };
}

test('callers while the work runs share its promise; the next call after it settles runs it again', async () => {
  const c = controlled();
  const run = singleFlight(c.work);
  assert.equal(run.current, undefined, 'nothing under way before the first call');
  const a = run();
  const b = run();
  assert.equal(a, b);
  assert.equal(run.current, a);
  assert.equal(c.calls.length, 1);
  c.calls[0]?.resolve(1);
  assert.equal(await a, 1);
  assert.equal(run.current, undefined, 'forgotten once settled');
  const next = run();
  assert.notEqual(next, a);
  assert.equal(c.calls.length, 2);
  c.calls[1]?.resolve(2);
  assert.equal(await next, 2);
});

test('a failure reaches every waiting caller and is forgotten', async () => {
  const c = controlled();
  const run = singleFlight(c.work, { keepSuccess: true });
  const a = run();
  const b = run();
  c.calls[0]?.reject(new Error('refused'));
  await assert.rejects(a, /refused/);
  await assert.rejects(b, /refused/);
  const again = run();
  assert.equal(c.calls.length, 2, 'tried again after the failure');
  c.calls[1]?.resolve(7);
  assert.equal(await again, 7);
});

test('keepSuccess: once it succeeded, the work never runs again', async () => {
  const c = controlled();
  const run = singleFlight(c.work, { keepSuccess: true });
  const first = run();
  c.calls[0]?.resolve(3);
  assert.equal(await first, 3);
  assert.equal(await run(), 3);
  assert.equal(await run(), 3);
  assert.equal(c.calls.length, 1);
});
