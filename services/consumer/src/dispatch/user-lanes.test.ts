import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@evh/testing';
import { createUserLanes } from './user-lanes.js';

/** A promise with its resolve exposed, to hold a task open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('createUserLanes', () => {
  it('runs one key’s tasks strictly one at a time, in submission order, whatever their durations', async () => {
    const lanes = createUserLanes();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    // The first task is the slowest: a lane that did not wait would let the later ones overtake it.
    const durations = [40, 1, 25, 0, 10];
    const results = await Promise.all(
      durations.map((ms, i) =>
        lanes.run('user-1', async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          log.push(`start ${i}`);
          await sleep(ms); // the task's own work, not a wait for an outcome
          log.push(`end ${i}`);
          running--;
          return i * 10;
        }),
      ),
    );

    assert.deepEqual(results, [0, 10, 20, 30, 40]);
    assert.equal(maxRunning, 1);
    assert.deepEqual(
      log,
      durations.flatMap((_, i) => [`start ${i}`, `end ${i}`]),
    );
  });

  it('runs different keys concurrently', async () => {
    const lanes = createUserLanes();
    const started = new Set<string>();
    const release = gate();
    const users = ['alice', 'bob', 'carol'];
    const done = users.map((user) =>
      lanes.run(user, async () => {
        started.add(user);
        await release.promise;
        return user;
      }),
    );

    // All three are inside their task at once: serial lanes would never get past the first.
    await waitFor('every user’s task to start', () => started.size === users.length, { timeoutMs: 2_000 });
    assert.equal(lanes.active, users.length);
    release.open();
    assert.deepEqual(await Promise.all(done), users);
  });

  it('does not let a rejected task block the lane, and the rejection reaches its caller', async () => {
    const lanes = createUserLanes();
    const log: string[] = [];
    const failing = lanes.run('user-1', async () => {
      await sleep(5);
      log.push('failing');
      throw new Error('handler failed');
    });
    const throwingSync = lanes.run('user-1', () => {
      log.push('throwing-sync');
      throw new Error('thrown before any await');
    });
    const after = lanes.run('user-1', async () => {
      log.push('after');
      return 'ok';
    });

    await assert.rejects(failing, /handler failed/);
    await assert.rejects(throwingSync, /thrown before any await/);
    assert.equal(await after, 'ok');
    assert.deepEqual(log, ['failing', 'throwing-sync', 'after']);
  });

  it('counts the keys with work in `active`, and drops to 0 once everything settled', async () => {
    const lanes = createUserLanes();
    assert.equal(lanes.active, 0);
    const release = gate();
    const tasks = [
      lanes.run('a', () => release.promise),
      lanes.run('a', async () => {}),
      lanes.run('b', async () => {
        await release.promise;
        throw new Error('b fails');
      }),
    ];
    assert.equal(lanes.active, 2);

    release.open();
    const outcomes = await Promise.allSettled(tasks);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    await waitFor('the lanes to empty', () => lanes.active === 0, { timeoutMs: 1_000 });

    // An emptied key is a fresh lane again.
    assert.equal(await lanes.run('a', async () => 'again'), 'again');
    await waitFor('the lanes to empty again', () => lanes.active === 0, { timeoutMs: 1_000 });
  });
});
