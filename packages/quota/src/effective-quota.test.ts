import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuota, serializeQuota, toEffectiveQuota } from './effective-quota.js';
import { lookupQuota, quotaTable } from './quota-cache.js';
import { lastMinuteEstimate, minuteOf } from './usage.js';

describe('effective quota', () => {
  it('round-trips through its stored form with the keys in a fixed order', () => {
    const quota = toEffectiveQuota(
      { projectId: 'p', eventsPerSecond: 10, burst: 20, weight: 2, mode: 'shadow', maxInFlight: 4 },
      'ns/p',
    );
    const stored = serializeQuota(quota);
    assert.equal(
      stored,
      '{"eventsPerSecond":10,"burst":20,"maxInFlight":4,"weight":2,"mode":"shadow","source":"ns/p"}',
    );
    assert.deepEqual(parseQuota(stored), quota);
  });

  it('parses what a person writes by hand, with defaults, and nothing that is not a quota', () => {
    const cases: [string, string | null, unknown][] = [
      [
        'minimal',
        '{"eventsPerSecond":5,"burst":10}',
        { eventsPerSecond: 5, burst: 10, weight: 1, mode: 'enforce', source: 'manual' },
      ],
      ['not JSON', 'five', undefined],
      ['no burst', '{"eventsPerSecond":5}', undefined],
      ['negative rate', '{"eventsPerSecond":-1,"burst":1}', undefined],
      ['absent', null, undefined],
    ];
    for (const [what, raw, expected] of cases) assert.deepEqual(parseQuota(raw), expected, what);
  });
});

describe('quotaTable and lookupQuota', () => {
  it('uses the project’s own quota, else the default, and skips what does not parse', () => {
    const table = quotaTable(
      { a: '{"eventsPerSecond":1,"burst":1}', broken: '{' },
      '{"eventsPerSecond":9,"burst":9,"source":"default"}',
    );
    assert.equal(lookupQuota(table, 'a')?.eventsPerSecond, 1);
    assert.equal(lookupQuota(table, 'other')?.eventsPerSecond, 9);
    assert.equal(
      lookupQuota(table, 'broken')?.eventsPerSecond,
      9,
      'a broken entry falls back to the default',
    );
    assert.deepEqual(table.invalid, ['broken']);
    assert.equal(lookupQuota(quotaTable({}, null), 'x'), undefined, 'no default: unlimited');
  });
});

describe('lastMinuteEstimate', () => {
  it('adds the share of the previous minute still inside the last 60 s', () => {
    const m = 60_000 * 1000;
    const cases: [string, number, number, number, number][] = [
      ['start of a minute: all of the previous', 0, 60, m, 60],
      ['half way: half of the previous', 10, 60, m + 30_000, 40],
      ['end of a minute: nearly none of the previous', 10, 60, m + 59_999, 10],
      ['nothing at all', 0, 0, m + 1234, 0],
    ];
    for (const [what, current, previous, now, expected] of cases) {
      assert.equal(lastMinuteEstimate(current, previous, now), expected, what);
    }
    assert.equal(minuteOf(m + 59_999), 1000);
  });
});
