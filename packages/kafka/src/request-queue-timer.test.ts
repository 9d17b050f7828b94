import assert from 'node:assert/strict';
import { beforeEach, describe, it, mock } from 'node:test';
import { type PendingCheckQueue, RECHECK_MS, schedulePendingCheck } from './request-queue-timer.js';

function queue(pending: number, throttledUntil: number): PendingCheckQueue & { checks: number } {
  const q = {
    pending: Array.from({ length: pending }, (_, i) => i),
    throttledUntil,
    throttleCheckTimeoutId: null,
    checks: 0,
    checkPendingRequests() {
      q.checks++;
    },
  };
  return q;
}

describe('schedulePendingCheck', () => {
  beforeEach(() => {
    mock.timers.reset();
    mock.timers.enable({ apis: ['setTimeout'], now: 1_000_000 });
  });

  it('arms no timer with nothing pending, throttled or not: the loop kafkajs 2.2.4 kept', () => {
    for (const throttledUntil of [-1, 1_000_050]) {
      const q = queue(0, throttledUntil);
      schedulePendingCheck(q, 1_000_000);
      assert.equal(q.throttleCheckTimeoutId, null);
      mock.timers.tick(1_000);
      assert.equal(q.checks, 0);
    }
  });

  it('checks a held request when the throttle ends, once, and disarms', () => {
    const q = queue(1, 1_000_050);
    schedulePendingCheck(q, 1_000_000);
    assert.notEqual(q.throttleCheckTimeoutId, null);
    mock.timers.tick(49);
    assert.equal(q.checks, 0);
    mock.timers.tick(1);
    assert.equal(q.checks, 1);
    assert.equal(q.throttleCheckTimeoutId, null);
    mock.timers.tick(1_000);
    assert.equal(q.checks, 1, 'no timer re-armed by itself');
  });

  it('checks a held request after RECHECK_MS when the throttle is over or never was', () => {
    for (const throttledUntil of [-1, 1_000_000, 999_999]) {
      const q = queue(2, throttledUntil);
      schedulePendingCheck(q, 1_000_000);
      mock.timers.tick(RECHECK_MS - 1);
      assert.equal(q.checks, 0);
      mock.timers.tick(1);
      assert.equal(q.checks, 1);
    }
  });

  it('keeps the timer already armed', () => {
    const q = queue(1, 1_000_050);
    schedulePendingCheck(q, 1_000_000);
    const armed = q.throttleCheckTimeoutId;
    schedulePendingCheck(q, 1_000_000);
    assert.equal(q.throttleCheckTimeoutId, armed);
    mock.timers.tick(50);
    assert.equal(q.checks, 1);
  });
});
