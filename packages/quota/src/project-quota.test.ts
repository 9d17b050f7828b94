import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectQuotaSpecSchema } from './project-quota.js';

const base = { projectId: 'shop-web', eventsPerSecond: 100, burst: 200 };

describe('projectQuotaSpecSchema', () => {
  it('applies the defaults', () => {
    assert.deepEqual(projectQuotaSpecSchema.parse(base), { ...base, weight: 1, mode: 'enforce' });
  });

  it('names the field and the rule of each invalid spec', () => {
    const cases: [string, unknown, string][] = [
      ['no projectId', { ...base, projectId: undefined }, 'projectId'],
      ['projectId with a space', { ...base, projectId: 'a b' }, 'projectId'],
      ['zero rate', { ...base, eventsPerSecond: 0 }, 'eventsPerSecond'],
      ['fractional burst', { ...base, burst: 1.5 }, 'burst'],
      ['unknown mode', { ...base, mode: 'audit' }, 'mode'],
      ['zero weight', { ...base, weight: 0 }, 'weight'],
      ['zero maxInFlight', { ...base, maxInFlight: 0 }, 'maxInFlight'],
      ['burst below the rate (the rule only the controller checks)', { ...base, burst: 50 }, 'burst'],
    ];
    for (const [what, spec, field] of cases) {
      const result = projectQuotaSpecSchema.safeParse(spec);
      assert.equal(result.success, false, what);
      assert.deepEqual(
        result.error?.issues.map((i) => i.path.join('.')),
        [field],
        what,
      );
    }
  });

  it('accepts a burst equal to the rate, and shadow mode with a weight and maxInFlight', () => {
    const spec = { ...base, burst: 100, mode: 'shadow', weight: 3, maxInFlight: 8 };
    assert.deepEqual(projectQuotaSpecSchema.parse(spec), spec);
  });
});
