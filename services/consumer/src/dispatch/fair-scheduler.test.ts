import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as flush, setTimeout as sleep } from 'node:timers/promises';
import {
  createFairScheduler,
  defaultReserve,
  type FairScheduler,
  type ProjectPolicy,
} from './fair-scheduler.js';

/**
 * Tasks that finish only when the test says so, so each case is a deterministic sequence:
 * submit, then finish the oldest running task and see which project got the freed slot.
 */
function harness(capacity: number, policies: Record<string, ProjectPolicy> = {}, reserve = 0) {
  const scheduler = createFairScheduler({ capacity, policyOf: (key) => policies[key], reserve });
  const running: { key: string; finish: (fail: boolean) => void }[] = [];
  const started: string[] = [];
  const settled: Promise<unknown>[] = [];
  let maxInUse = 0;
  const maxInFlight: Record<string, number> = {};

  function submit(key: string, n: number, cost?: number): void {
    for (let i = 0; i < n; i++) {
      const result = scheduler.use(
        key,
        () =>
          new Promise<string>((resolve, reject) => {
            started.push(key);
            maxInUse = Math.max(maxInUse, scheduler.inUse);
            maxInFlight[key] = Math.max(maxInFlight[key] ?? 0, scheduler.inFlight(key));
            running.push({
              key,
              finish: (fail) => (fail ? reject(new Error(`${key} failed`)) : resolve(key)),
            });
          }),
        cost,
      );
      settled.push(result.catch(() => 'failed'));
    }
  }

  async function finish(n = 1, fail = false): Promise<void> {
    for (let i = 0; i < n; i++) {
      const task = running.shift();
      if (!task) return;
      task.finish(fail);
      await flush();
    }
  }

  async function drain(): Promise<void> {
    await flush();
    while (running.length > 0) await finish(running.length);
  }

  return {
    scheduler,
    submit,
    finish,
    drain,
    started,
    settled,
    running,
    stats: () => ({ maxInUse, maxInFlight }),
  };
}

const count = (list: string[], key: string) => list.filter((k) => k === key).length;

describe('createFairScheduler', () => {
  it('a flooding project cannot starve a light one: the light task takes the next slot that frees up', async () => {
    const cases = [
      { capacity: 1, floodWeight: 1 },
      { capacity: 4, floodWeight: 1 },
      { capacity: 16, floodWeight: 1 },
      { capacity: 4, floodWeight: 10 },
    ];
    for (const { capacity, floodWeight } of cases) {
      const h = harness(capacity, { flood: { weight: floodWeight } });
      h.submit('flood', 2000);
      await flush();
      await h.finish(capacity * 3);
      for (let round = 0; round < 5; round++) {
        const before = h.started.length;
        h.submit('light', 1);
        // 2000 flood tasks wait ahead of it; a FIFO semaphore would start it ~2000 tasks later.
        let waitedFor = 0;
        while (!h.started.slice(before).includes('light')) {
          await h.finish(1);
          waitedFor++;
        }
        assert.ok(
          waitedFor === 1,
          `capacity ${capacity}, flood weight ${floodWeight}: the light task waited for ${waitedFor} completions`,
        );
        await h.finish(capacity);
      }
      await h.drain();
      assert.equal((await Promise.all(h.settled)).length, 2005);
    }
  });

  it('honours weights proportionally while every project is backlogged', async () => {
    const cases: { capacity: number; weights: Record<string, number> }[] = [
      { capacity: 1, weights: { a: 1, b: 1 } },
      { capacity: 1, weights: { a: 3, b: 1 } },
      { capacity: 4, weights: { a: 1, b: 2, c: 1 } },
      { capacity: 8, weights: { a: 5, b: 1, c: 2 } },
    ];
    for (const { capacity, weights } of cases) {
      const policies = Object.fromEntries(Object.entries(weights).map(([k, weight]) => [k, { weight }]));
      const h = harness(capacity, policies);
      for (const key of Object.keys(weights)) h.submit(key, 1000);
      await flush();
      const from = h.started.length;
      await h.finish(400);
      const window = h.started.slice(from, from + 400);
      const total = Object.values(weights).reduce((s, w) => s + w, 0);
      for (const [key, weight] of Object.entries(weights)) {
        const expected = (window.length * weight) / total;
        const got = count(window, key);
        assert.ok(
          Math.abs(got - expected) <= 2,
          `capacity ${capacity}, weights ${JSON.stringify(weights)}: ${key} started ${got}, expected ${expected}`,
        );
      }
      await h.drain();
    }
  });

  it('charges a task its cost: one task of cost 10 weighs like ten tasks of cost 1', async () => {
    const h = harness(1);
    h.submit('chunks', 100, 10);
    h.submit('events', 1000);
    await flush();
    const from = h.started.length;
    await h.finish(330);
    const window = h.started.slice(from, from + 330);
    // Equal shares of cost: about 30 chunks (300) and 300 events in 330 starts.
    const chunks = count(window, 'chunks');
    assert.ok(Math.abs(chunks - 30) <= 2, `chunks started ${chunks}, expected 30`);
    await h.drain();
  });

  it('never runs more than maxInFlight of a project, nor more than the capacity, and gives the rest to others', async () => {
    const cases: {
      capacity: number;
      policies: Record<string, ProjectPolicy>;
      submit: Record<string, number>;
      busy: number;
    }[] = [
      { capacity: 8, policies: { a: { maxInFlight: 2 } }, submit: { a: 50 }, busy: 2 },
      {
        capacity: 8,
        policies: { a: { maxInFlight: 2 }, b: { maxInFlight: 3 } },
        submit: { a: 50, b: 50 },
        busy: 5,
      },
      { capacity: 4, policies: { a: { maxInFlight: 2 } }, submit: { a: 50, b: 50 }, busy: 4 },
      { capacity: 3, policies: { a: { maxInFlight: 10, weight: 5 } }, submit: { a: 50, b: 50 }, busy: 3 },
    ];
    for (const { capacity, policies, submit, busy } of cases) {
      const h = harness(capacity, policies);
      for (const [key, n] of Object.entries(submit)) h.submit(key, n);
      await flush();
      assert.equal(h.scheduler.inUse, busy, `${JSON.stringify(policies)}: slots in use while backlogged`);
      await h.drain();
      const { maxInUse, maxInFlight } = h.stats();
      assert.ok(maxInUse <= capacity, `capacity ${capacity} exceeded: ${maxInUse}`);
      for (const [key, policy] of Object.entries(policies)) {
        const limit = Math.min(policy.maxInFlight ?? capacity, capacity);
        assert.ok((maxInFlight[key] ?? 0) <= limit, `${key} ran ${maxInFlight[key]} at once, limit ${limit}`);
      }
      assert.equal(
        h.started.length,
        Object.values(submit).reduce((s, n) => s + n, 0),
      );
    }
  });

  it('releases the slot of a failing task, rejects its caller with the error, and runs the rest', async () => {
    const h = harness(2);
    h.submit('a', 3);
    h.submit('b', 3);
    await flush();
    await h.finish(2, true);
    assert.equal(h.scheduler.inUse, 2, 'the freed slots went to the waiting tasks');
    await h.drain();
    const results = await Promise.all(h.settled);
    assert.equal(results.filter((r) => r === 'failed').length, 2);
    assert.equal(h.scheduler.inUse, 0);
    assert.equal(h.scheduler.waiting, 0);
    assert.equal(h.scheduler.activeProjects, 0, 'idle projects are forgotten');

    const scheduler = createFairScheduler({ capacity: 1 });
    await assert.rejects(
      scheduler.use('x', async () => {
        throw new Error('sync-looking failure');
      }),
      /sync-looking failure/,
    );
    assert.equal(await scheduler.use('x', async () => 'next'), 'next');
  });

  it('completes every task of a random mix of projects, durations, failures and policy changes', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const policies: Record<string, ProjectPolicy> = { p0: { weight: 4 }, p1: { maxInFlight: 1 }, p2: {} };
    const scheduler: FairScheduler = createFairScheduler({ capacity: 5, policyOf: (k) => policies[k] });
    let peak = 0;
    const tasks: Promise<string>[] = [];
    for (let i = 0; i < 300; i++) {
      const key = `p${Math.floor(random() * 6)}`;
      const ms = Math.floor(random() * 3);
      const fail = random() < 0.1;
      tasks.push(
        scheduler
          .use(key, async () => {
            peak = Math.max(peak, scheduler.inUse);
            assert.ok(key !== 'p1' || scheduler.inFlight('p1') <= 1, 'p1 over its maxInFlight');
            await sleep(ms);
            if (fail) throw new Error('task failed');
            return 'ok';
          })
          .catch(() => 'failed'),
      );
      if (i === 150) policies.p2 = { weight: 3, maxInFlight: 2 };
      if (i % 20 === 0) await sleep(1);
    }
    const results = await Promise.all(tasks);
    assert.equal(results.length, 300);
    assert.ok(peak <= 5, `ran ${peak} at once with capacity 5`);
    assert.equal(scheduler.inUse, 0);
    assert.equal(scheduler.waiting, 0);
    assert.equal(scheduler.activeProjects, 0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => createFairScheduler({ capacity }), RangeError, String(capacity));
    }
  });
});

describe('reserved slots', () => {
  it('keep a flooding project off the last slots, so a quiet one starts at once', async () => {
    const h = harness(8, {}, 2);
    h.submit('flood', 50);
    await flush();
    // A lone project holds capacity - reserve.
    assert.equal(h.scheduler.inUse, 6);
    h.submit('quiet', 1);
    await flush();
    // Nothing of the flood ended, yet the quiet project's task runs.
    assert.equal(h.started.at(-1), 'quiet');
    assert.equal(h.scheduler.inUse, 7);
    await h.drain();
    assert.ok((h.stats().maxInFlight.flood ?? 0) <= 6);
  });

  it('are not a second share: a quiet project holding `reserve` waits like the others', async () => {
    const h = harness(8, {}, 2);
    h.submit('flood', 20);
    h.submit('quiet', 5);
    await flush();
    // The flood took 6 before the quiet project came; the quiet one takes the 2 kept.
    assert.deepEqual(
      { flood: h.scheduler.inFlight('flood'), quiet: h.scheduler.inFlight('quiet') },
      { flood: 6, quiet: 2 },
    );
    await h.drain();
  });

  it('default to an eighth of the capacity, rounded down', () => {
    assert.deepEqual([1, 7, 8, 17, 64].map(defaultReserve), [0, 0, 1, 2, 8]);
    assert.throws(() => createFairScheduler({ capacity: 4, reserve: 4 }), RangeError);
    assert.throws(() => createFairScheduler({ capacity: 4, reserve: -1 }), RangeError);
  });
});
