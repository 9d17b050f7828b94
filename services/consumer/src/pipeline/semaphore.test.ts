import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSemaphore } from './semaphore.js';

describe('createSemaphore', () => {
  it('never has more than `limit` tasks in flight, and completes them all', async () => {
    const limit = 3;
    const semaphore = createSemaphore(limit);
    let running = 0;
    let maxRunning = 0;
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        semaphore.use(async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          assert.ok(semaphore.inUse <= limit, `inUse ${semaphore.inUse} above the limit`);
          await sleep(i % 4); // the task's own work, of varying length
          running--;
          return i;
        }),
      ),
    );

    assert.deepEqual(
      results,
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.equal(maxRunning, limit, 'the limit was never reached, so the test proved nothing');
    assert.equal(semaphore.inUse, 0);
  });

  it('propagates a task’s error and gives its slot back', async () => {
    const semaphore = createSemaphore(1);
    await assert.rejects(
      semaphore.use(async () => {
        throw new Error('alone');
      }),
      /alone/,
    );
    assert.equal(semaphore.inUse, 0, 'the failed task kept its slot');

    const failing = semaphore.use(async () => {
      await sleep(1);
      throw new Error('task failed');
    });
    const throwingSync = semaphore.use(() => {
      throw new Error('thrown before any await');
    });
    const waiting = semaphore.use(async () => 'ran after the failures');

    await assert.rejects(failing, /task failed/);
    await assert.rejects(throwingSync, /thrown before any await/);
    assert.equal(await waiting, 'ran after the failures');
    assert.equal(semaphore.inUse, 0);
    assert.equal(await semaphore.use(async () => 'slot free'), 'slot free');
  });

  it('starts a waiting task as soon as a slot is free, in arrival order', async () => {
    const semaphore = createSemaphore(2);
    const order: number[] = [];
    await Promise.all(
      [5, 5, 0, 0, 0].map((ms, i) =>
        semaphore.use(async () => {
          order.push(i);
          await sleep(ms);
        }),
      ),
    );
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(semaphore.inUse, 0);
  });
});
