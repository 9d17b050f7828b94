import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProjectQuotaStatus } from '@evh/quota';
import { decideQuota, nextStatus, type QuotaOutcome, statusDiffers } from './quota-decision.js';

const spec = { projectId: 'web', eventsPerSecond: 10, burst: 20 };

describe('decideQuota', () => {
  it('turns a valid spec into the effective quota, with the resource as its source', () => {
    assert.deepEqual(decideQuota({ spec: { ...spec, weight: 2, maxInFlight: 3 } }, 'ns/web'), {
      kind: 'apply',
      projectId: 'web',
      quota: { eventsPerSecond: 10, burst: 20, maxInFlight: 3, weight: 2, mode: 'enforce', source: 'ns/web' },
    });
  });

  it('says which fields of an invalid spec are wrong and why', () => {
    const cases: [string, unknown, RegExp][] = [
      [
        'burst below the rate',
        { ...spec, burst: 5 },
        /^spec\.burst: must be at least eventsPerSecond \(10\)/,
      ],
      ['no spec at all', undefined, /^spec\.\(root\): /],
      [
        'two problems',
        { ...spec, eventsPerSecond: 0, mode: 'audit' },
        /spec\.eventsPerSecond: .*; spec\.mode: /,
      ],
    ];
    for (const [what, s, message] of cases) {
      const d = decideQuota({ spec: s }, 'ns/x');
      assert.equal(d.kind, 'invalid', what);
      assert.match(d.kind === 'invalid' ? d.message : '', message, what);
    }
  });
});

describe('nextStatus', () => {
  const now = new Date('2030-01-01T00:00:00.123Z');
  const quota = { eventsPerSecond: 10, burst: 20, weight: 1, mode: 'enforce' as const, source: 'ns/web' };
  const cases: { what: string; outcome: QuotaOutcome; status: string; reason: string; message: RegExp }[] = [
    {
      what: 'applied',
      outcome: { kind: 'applied', projectId: 'web', quota },
      status: 'True',
      reason: 'QuotaApplied',
      message: /^web: 10 events\/s, burst 20, weight 1, enforce$/,
    },
    {
      what: 'invalid',
      outcome: { kind: 'invalid', message: 'spec.burst: too small' },
      status: 'False',
      reason: 'InvalidSpec',
      message: /^spec\.burst: too small/,
    },
    {
      what: 'conflict',
      outcome: { kind: 'conflict', projectId: 'web', owner: 'ns/first' },
      status: 'False',
      reason: 'ProjectConflict',
      message: /from ns\/first/,
    },
    {
      what: 'sync failed',
      outcome: { kind: 'sync-failed', message: 'ECONNREFUSED' },
      status: 'False',
      reason: 'SyncFailed',
      message: /ECONNREFUSED/,
    },
  ];
  for (const c of cases) {
    it(`Ready for ${c.what}`, () => {
      const s = nextStatus({
        previous: undefined,
        outcome: c.outcome,
        generation: 3,
        usage: { accepted: 5, throttled: 1 },
        now,
      });
      const ready = s.conditions?.find((x) => x.type === 'Ready');
      assert.equal(ready?.status, c.status);
      assert.equal(ready?.reason, c.reason);
      assert.match(ready?.message ?? '', c.message);
      assert.equal(ready?.lastTransitionTime, '2030-01-01T00:00:00Z');
      assert.equal(s.observedGeneration, 3);
      assert.equal(s.acceptedLastMinute, 5);
      assert.equal(s.throttledLastMinute, 1);
    });
  }

  it('keeps the transition time while Ready keeps its status, and the last usage when none was read', () => {
    const first = nextStatus({
      previous: undefined,
      outcome: cases[0]?.outcome as QuotaOutcome,
      generation: 1,
      usage: { accepted: 1, throttled: 0 },
      now,
    });
    const later = new Date('2030-01-01T00:05:00Z');
    const same = nextStatus({
      previous: first,
      outcome: cases[0]?.outcome as QuotaOutcome,
      generation: 2,
      usage: undefined,
      now: later,
    });
    assert.equal(same.conditions?.[0]?.lastTransitionTime, '2030-01-01T00:00:00Z');
    assert.equal(same.acceptedLastMinute, 1);
    const flipped = nextStatus({
      previous: same,
      outcome: { kind: 'invalid', message: 'x' },
      generation: 3,
      usage: undefined,
      now: later,
    });
    assert.equal(flipped.conditions?.[0]?.lastTransitionTime, '2030-01-01T00:05:00Z');
  });

  it('statusDiffers tells a real change from a rewrite of the same status', () => {
    const a = nextStatus({
      previous: undefined,
      outcome: { kind: 'invalid', message: 'x' },
      generation: 1,
      usage: undefined,
      now,
    });
    const again: ProjectQuotaStatus = JSON.parse(JSON.stringify(a));
    assert.equal(statusDiffers(a, again), false);
    assert.equal(statusDiffers(undefined, a), true);
    assert.equal(statusDiffers(a, { ...again, acceptedLastMinute: 1 }), true);
  });
});
