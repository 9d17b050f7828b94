import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_PROJECT } from './project-key.js';
import { policyFromQuotas } from './quota-policy.js';

describe('policyFromQuotas', () => {
  it('takes weight and maxInFlight from the project’s quota, nothing for unknown projects or none', () => {
    const quotas = { a: { weight: 3, maxInFlight: 4 }, b: { weight: 1 } } as Record<
      string,
      { weight: number; maxInFlight?: number }
    >;
    const policyOf = policyFromQuotas({ get: (id) => quotas[id] });
    const cases: [string, unknown][] = [
      ['a', { weight: 3, maxInFlight: 4 }],
      ['b', { weight: 1, maxInFlight: undefined }],
      ['unknown', undefined],
      [NO_PROJECT, undefined],
    ];
    for (const [key, expected] of cases) assert.deepEqual(policyOf(key), expected, key);
  });
});
