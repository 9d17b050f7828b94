import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalyticsAccumulator, peakHours, topByCount } from './analytics-accumulator.js';
import { invalid, type ParsedLine } from './log-entry.js';

function line(hour: number | null, status: string, service: string, user: string): ParsedLine {
  const epochMs = hour === null ? null : Date.UTC(2025, 6, 22, hour, 15);
  return { ok: true, entry: { timestamp: 'x', epochMs, status, service, user, message: 'm' } };
}

/** A deterministic mixed input: 500 lines over a few statuses, services, users and hours. */
function sampleLines(): ParsedLine[] {
  const statuses = ['SUCCESS', 'FAILURE', 'INFO', 'WARN', 'ODD'];
  return Array.from({ length: 500 }, (_, i) =>
    i % 37 === 0
      ? invalid(i % 2 ? 'too_few_fields' : 'bad_timestamp', 'bad')
      : line(
          i % 29 === 0 ? null : (i * 7) % 24,
          statuses[i % 5] as string,
          `svc${i % 13}`,
          i % 11 === 0 ? '' : `user${(i * i) % 23}`,
        ),
  );
}

describe('topByCount', () => {
  it('orders by count, then by name ascending on ties, and cuts at n', () => {
    const counts = new Map([
      ['b', 5],
      ['a', 5],
      ['z', 9],
      ['c', 1],
      ['B', 5],
    ]);
    assert.deepEqual(topByCount(counts, 10), ['z', 'B', 'a', 'b', 'c']);
    assert.deepEqual(topByCount(counts, 2), ['z', 'B']);
    assert.deepEqual(topByCount(new Map(), 10), []);
  });
});

describe('peakHours', () => {
  it('lists every hour tied for the max, ascending, as HH:00-HH+1:00', () => {
    const hours = new Array(24).fill(1);
    hours[23] = 4;
    hours[0] = 4;
    hours[9] = 4;
    assert.deepEqual(peakHours(hours), ['00:00-01:00', '09:00-10:00', '23:00-24:00']);
    assert.deepEqual(peakHours(new Array(24).fill(0)), []);
  });
});

describe('AnalyticsAccumulator', () => {
  it('counts statuses, services, users and hours, and accounts for every line', () => {
    const acc = new AnalyticsAccumulator();
    for (const l of [
      line(23, 'SUCCESS', 'Pay', 'u1'),
      line(23, 'FAILURE', 'Pay', 'u2'),
      line(1, 'SUCCESS', 'Auth', 'u1'),
      line(null, 'FATAL', '', ''),
      invalid('too_few_fields', 'x'),
      invalid('too_few_fields', 'x'),
      invalid('bad_timestamp', 'x'),
    ]) {
      acc.add(l);
    }
    acc.add(line(1, 'INFO', 'Auth', 'u3'), false);
    assert.deepEqual(acc.toSummary(), {
      payment_statuses: { FAILURE: 1, FATAL: 1, INFO: 1, SUCCESS: 2 },
      top_services: ['Auth', 'Pay'],
      top_users: ['u1', 'u2', 'u3'],
      peak_hours: ['23:00-24:00'],
      lines: 8,
      valid: 5,
      invalid: 3,
      invalid_reasons: { bad_timestamp: 1, too_few_fields: 2 },
    });
  });

  it('keeps 10 of each top list by default, or topN', () => {
    const acc = new AnalyticsAccumulator();
    for (let i = 0; i < 15; i++) for (let j = 0; j <= i; j++) acc.add(line(0, 'INFO', `s${i}`, `u${i}`));
    const summary = acc.toSummary();
    assert.equal(summary.top_services.length, 10);
    assert.deepEqual(summary.top_services.slice(0, 3), ['s14', 's13', 's12']);
    assert.deepEqual(acc.toSummary({ topN: 2 }).top_users, ['u14', 'u13']);
  });

  it('merges partitions to exactly the one-pass result, whatever the split', () => {
    const lines = sampleLines();
    const whole = new AnalyticsAccumulator();
    for (const l of lines) whole.add(l);
    for (const cuts of [[250], [1, 2, 3], [100, 101, 400, 499], [0, 500]]) {
      const merged = new AnalyticsAccumulator();
      let from = 0;
      for (const to of [...cuts, lines.length]) {
        const part = new AnalyticsAccumulator();
        for (const l of lines.slice(from, to)) part.add(l);
        // Through structured clone, the way a worker thread's result arrives.
        merged.merge(structuredClone(part.snapshot()));
        from = to;
      }
      assert.deepEqual(merged.toSummary(), whole.toSummary(), `cuts ${cuts}`);
      assert.deepEqual(merged.snapshot(), whole.snapshot(), `cuts ${cuts}`);
    }
  });

  it('rebuilds from a snapshot, which is a copy', () => {
    const acc = new AnalyticsAccumulator();
    for (const l of sampleLines()) acc.add(l);
    const snapshot = acc.snapshot();
    acc.add(line(3, 'INFO', 'late', 'late'));
    assert.equal(AnalyticsAccumulator.from(snapshot).lines, 500);
    assert.equal(acc.lines, 501);
  });
});
