import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLease, type LeaseRecord, type Observation, stillLeading } from './lease-decision.js';

const other = (renewTime: string, durationMs = 15_000): LeaseRecord => ({
  holder: 'b',
  renewTime,
  durationMs,
});

describe('decideLease', () => {
  const cases: {
    what: string;
    lease: LeaseRecord | undefined;
    observation?: Observation;
    now: number;
    action: string;
    expiresInMs?: number;
  }[] = [
    { what: 'no lease yet', lease: undefined, now: 0, action: 'create' },
    {
      what: 'held by me',
      lease: { holder: 'a', renewTime: 't1', durationMs: 15_000 },
      now: 0,
      action: 'renew',
    },
    {
      what: 'given up on shutdown (empty holder)',
      lease: { holder: '', renewTime: 't1', durationMs: 1000 },
      now: 0,
      action: 'takeover',
    },
    {
      what: 'held by another, first seen now',
      lease: other('t1'),
      now: 100_000,
      action: 'wait',
      expiresInMs: 15_000,
    },
    {
      what: 'held by another, unchanged for less than its duration',
      lease: other('t1'),
      observation: { holder: 'b', renewTime: 't1', at: 0 },
      now: 14_999,
      action: 'wait',
      expiresInMs: 1,
    },
    {
      what: 'held by another, unchanged for its duration: expired',
      lease: other('t1'),
      observation: { holder: 'b', renewTime: 't1', at: 0 },
      now: 15_000,
      action: 'takeover',
    },
    {
      what: 'renewed since we looked: the clock starts again',
      lease: other('t2'),
      observation: { holder: 'b', renewTime: 't1', at: 0 },
      now: 20_000,
      action: 'wait',
      expiresInMs: 15_000,
    },
    {
      what: 'a renewTime far in the past means nothing: only change counts (clock skew)',
      lease: other('1999-01-01T00:00:00.000000Z'),
      now: 1_000_000,
      action: 'wait',
      expiresInMs: 15_000,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const { decision } = decideLease({
        lease: c.lease,
        identity: 'a',
        now: c.now,
        observation: c.observation,
      });
      assert.equal(decision.action, c.action);
      if (c.expiresInMs !== undefined) {
        assert.equal(decision.action === 'wait' ? decision.expiresInMs : undefined, c.expiresInMs);
      }
    });
  }
});

describe('stillLeading', () => {
  it('stops leading once renewals failed for the renew deadline', () => {
    const cases: [number | undefined, number, boolean][] = [
      [undefined, 0, false],
      [0, 9_999, true],
      [0, 10_000, false],
    ];
    for (const [renewedAt, now, expected] of cases)
      assert.equal(stillLeading(renewedAt, now, 10_000), expected);
  });
});
