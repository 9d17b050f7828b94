import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventInput } from '@evh/events';
import type { EffectiveQuota, QuotaLookup } from '@evh/quota';
import { projectArgs, verdictOf } from './project-args.js';
import { projectOfEvent } from './project-of.js';

const quota = (eventsPerSecond: number, mode: 'enforce' | 'shadow' = 'enforce'): EffectiveQuota => ({
  eventsPerSecond,
  burst: eventsPerSecond * 2,
  weight: 1,
  mode,
  source: 'test',
});
const lookup = (table: Record<string, EffectiveQuota>): QuotaLookup => ({ get: (id) => table[id] });
const now = 60_000 * 5 + 1;

describe('projectArgs', () => {
  it('lists each project with a quota once, in first-seen order, and indexes every item', () => {
    const args = projectArgs(
      ['b', undefined, 'a', 'b', 'none', 'a'],
      lookup({ a: quota(5), b: quota(7, 'shadow') }),
      now,
    );
    assert.deepEqual(args.indexes, [1, 0, 2, 1, 0, 2]);
    assert.deepEqual(args.keys, [
      'quota:{b}:bucket',
      'quota:{b}:usage:5',
      'quota:{a}:bucket',
      'quota:{a}:usage:5',
    ]);
    assert.equal(args.count, 2);
    assert.deepEqual(args.records, [7, 14, 0, 5, 10, 1]);
  });

  it('has nothing to add without quotas, or for items without a project', () => {
    const cases: [string, (string | undefined)[], QuotaLookup | undefined][] = [
      ['no lookup', ['a', 'b'], undefined],
      ['no project quotas and no default', ['a'], lookup({})],
      ['no projects', [undefined, undefined], lookup({ a: quota(1) })],
    ];
    for (const [what, ids, quotas] of cases) {
      const args = projectArgs(ids, quotas, now);
      assert.deepEqual(args.keys, [], what);
      assert.equal(args.count, 0, what);
      assert.deepEqual(args.records, [], what);
      assert.ok(
        args.indexes.every((i) => i === 0),
        what,
      );
    }
  });
});

describe('verdictOf', () => {
  it('maps the script’s codes', () => {
    assert.deepEqual([0, 1, 2, 3].map(verdictOf), [
      { verdict: 'accepted' },
      { scope: 'user' },
      { scope: 'project', verdict: 'throttled' },
      { verdict: 'shadow_throttled' },
    ]);
  });
});

describe('projectOfEvent', () => {
  it('takes payload.projectId when it is a valid project id, and nothing else', () => {
    const event = (payload: Record<string, unknown>) => ({ userId: 'u', type: 't', payload }) as EventInput;
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{ projectId: 'shop-web' }, 'shop-web'],
      [{ projectId: 'a.b_c-1' }, 'a.b_c-1'],
      [{}, undefined],
      [{ projectId: 42 }, undefined],
      [{ projectId: '' }, undefined],
      [{ projectId: 'has space' }, undefined],
      [{ projectId: 'x'.repeat(65) }, undefined],
    ];
    for (const [payload, expected] of cases)
      assert.equal(projectOfEvent(event(payload)), expected, JSON.stringify(payload));
  });
});
