import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as flush, setTimeout as sleep } from 'node:timers/promises';
import { createWorkQueue, type ReconcileResult } from './work-queue.js';

function recorder(
  behaviour: (key: string, n: number) => Promise<ReconcileResult | undefined> | undefined = () => undefined,
) {
  const calls: string[] = [];
  let concurrent = 0;
  let maxConcurrentSameKey = 0;
  const active = new Map<string, number>();
  return {
    calls,
    stats: () => ({ concurrent, maxConcurrentSameKey }),
    async reconcile(key: string) {
      calls.push(key);
      active.set(key, (active.get(key) ?? 0) + 1);
      maxConcurrentSameKey = Math.max(maxConcurrentSameKey, active.get(key) ?? 0);
      concurrent++;
      try {
        await sleep(5);
        return await behaviour(key, calls.filter((k) => k === key).length);
      } finally {
        concurrent--;
        active.set(key, (active.get(key) ?? 1) - 1);
      }
    },
  };
}

describe('createWorkQueue', () => {
  it('queues a key once however often it is added while waiting', async () => {
    const r = recorder();
    const q = createWorkQueue({ reconcile: r.reconcile, concurrency: 1, baseDelayMs: 10, maxDelayMs: 100 });
    q.start();
    for (const k of ['a', 'b', 'b', 'b', 'c', 'b']) q.add(k);
    await sleep(60);
    // 'a' started at once; b and c waited and each ran once.
    assert.deepEqual(r.calls, ['a', 'b', 'c']);
    await q.stop();
  });

  it('reconciles a key added during its reconcile once more afterwards, never twice at once', async () => {
    const r = recorder();
    const q = createWorkQueue({ reconcile: r.reconcile, concurrency: 4, baseDelayMs: 10, maxDelayMs: 100 });
    q.start();
    q.add('a');
    await flush();
    q.add('a');
    q.add('a');
    await sleep(40);
    assert.deepEqual(r.calls, ['a', 'a']);
    assert.equal(r.stats().maxConcurrentSameKey, 1);
    await q.stop();
  });

  it('retries a failing key with doubling delays, and resets after a success', async () => {
    const errors: number[] = [];
    const r = recorder(async (_key, n) => {
      if (n <= 3) throw new Error(`fail ${n}`);
      return undefined;
    });
    const q = createWorkQueue({
      reconcile: r.reconcile,
      concurrency: 1,
      baseDelayMs: 10,
      maxDelayMs: 25,
      onError: (_k, _e, retryInMs) => errors.push(retryInMs),
    });
    q.start();
    q.add('k');
    await sleep(200);
    assert.deepEqual(errors, [10, 20, 25]);
    assert.equal(r.calls.length, 4);
    await q.stop();
  });

  it('requeues after the time a reconcile asks for', async () => {
    const r = recorder(async (_k, n) => (n < 3 ? { requeueAfterMs: 10 } : undefined));
    const q = createWorkQueue({ reconcile: r.reconcile, concurrency: 1, baseDelayMs: 10, maxDelayMs: 100 });
    q.start();
    q.add('k');
    await sleep(120);
    assert.equal(r.calls.length, 3);
    await q.stop();
  });

  it('stop waits for running reconciles, drops queued keys and ignores later adds', async () => {
    const r = recorder();
    const q = createWorkQueue({ reconcile: r.reconcile, concurrency: 1, baseDelayMs: 10, maxDelayMs: 100 });
    q.start();
    q.add('a');
    q.add('b');
    await flush();
    await q.stop();
    assert.equal(r.stats().concurrent, 0, 'the running reconcile finished before stop resolved');
    q.add('c');
    await sleep(20);
    assert.deepEqual(r.calls, ['a']);
  });
});

describe('createWorkQueue: delayed adds', () => {
  it('keeps one pending requeue per key, the earliest', async () => {
    const r = recorder();
    const q = createWorkQueue({ reconcile: r.reconcile, concurrency: 1, baseDelayMs: 10, maxDelayMs: 100 });
    q.start();
    for (let i = 0; i < 20; i++) q.addAfter('k', 30 + i);
    q.addAfter('k', 10);
    await sleep(90);
    assert.deepEqual(r.calls, ['k']);
    await q.stop();
  });
});
