import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@evh/testing';
import { createPeriodicProbe } from './periodic-probe.js';

/** A dependency the test switches between answering, failing and hanging. */
function fakeDependency() {
  const dep = {
    mode: 'answer' as 'answer' | 'fail' | 'hang',
    calls: 0,
    running: 0,
    maxRunning: 0,
    check: async () => {
      dep.calls++;
      dep.running++;
      dep.maxRunning = Math.max(dep.maxRunning, dep.running);
      try {
        if (dep.mode === 'hang') await new Promise(() => {});
        if (dep.mode === 'fail') throw new Error('refused');
        await new Promise((r) => setTimeout(r, 5));
        return dep.calls;
      } finally {
        dep.running--;
      }
    },
  };
  return dep;
}

describe('createPeriodicProbe', () => {
  it('is down until the first check has answered, then up with its value and time', async () => {
    const dep = fakeDependency();
    const probe = createPeriodicProbe(dep.check, { intervalMs: 20, timeoutMs: 100, now: () => 1234 });
    assert.equal(probe.up, false);
    assert.equal(await probe.start(), true);
    assert.equal(probe.up, true);
    assert.equal(probe.value, 1);
    assert.equal(probe.lastSuccessAt, 1234);
    probe.stop();
  });

  it('follows the dependency down and back up, telling each change once', async () => {
    const dep = fakeDependency();
    const changes: boolean[] = [];
    const probe = createPeriodicProbe(dep.check, {
      intervalMs: 10,
      timeoutMs: 100,
      onChange: (up) => changes.push(up),
    });
    await probe.start();
    dep.mode = 'fail';
    await waitFor('down', () => !probe.up);
    assert.equal(probe.value, undefined, 'no stale value while down');
    const successAt = probe.lastSuccessAt;
    dep.mode = 'answer';
    await waitFor('up again', () => probe.up);
    assert.ok((probe.lastSuccessAt ?? 0) >= (successAt ?? 0));
    probe.stop();
    assert.deepEqual(changes, [true, false, true]);
  });

  it('counts a check that hangs as failed after timeoutMs and keeps checking on schedule', async () => {
    const dep = fakeDependency();
    const probe = createPeriodicProbe(dep.check, { intervalMs: 10, timeoutMs: 50 });
    await probe.start();
    dep.mode = 'hang';
    const hungAt = Date.now();
    await waitFor('down', () => !probe.up);
    const tookMs = Date.now() - hungAt;
    assert.ok(tookMs < 50 + 10 + 100, `down after ${tookMs} ms`);
    const callsWhileHung = dep.calls;
    await waitFor('another check started', () => dep.calls > callsWhileHung + 1);
    dep.mode = 'answer';
    await waitFor('up again', () => probe.up);
    probe.stop();
  });

  it('runs one check at a time: a check asked for while one runs gets that one', async () => {
    const dep = fakeDependency();
    const probe = createPeriodicProbe(dep.check, { intervalMs: 60_000, timeoutMs: 100 });
    const outcomes = await Promise.all([probe.check(), probe.check(), probe.check()]);
    assert.deepEqual(outcomes, [true, true, true]);
    assert.equal(dep.calls, 1);
    assert.equal(dep.maxRunning, 1);
  });

  it('checks no more once stopped', async () => {
    const dep = fakeDependency();
    const probe = createPeriodicProbe(dep.check, { intervalMs: 5, timeoutMs: 100 });
    await probe.start();
    probe.stop();
    probe.stop();
    const calls = dep.calls;
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(dep.calls <= calls + 1, 'at most the check already scheduled');
  });
});
