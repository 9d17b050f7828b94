// The shared sample: 1,000 payment lines (the last has no newline) with bad lines planted.
// The expected counts are computed here a second, simpler way (split on spaces), so the
// parser and the accumulator are checked against something that does not share their code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '@evh/testing';
import { createLogAnalyzer, resolveLogsConfig } from '../src/index.js';

const samplePath = resolve(repoRoot, '../shared/data/payments-example_input.txt');
const text = readFileSync(samplePath, 'utf8');
const lines = text.split('\n');

/** What an honest line looks like in this file. */
const CLEAN =
  /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ (SUCCESS|FAILURE|INFO|WARN|ERROR) [A-Za-z]+ user\d{3} \S.{0,150}$/;

function expectedSummary() {
  const statuses: Record<string, number> = {};
  const services = new Map<string, number>();
  const users = new Map<string, number>();
  const hours = new Array<number>(24).fill(0);
  for (const line of lines) {
    const [ts = '', status = '', service = '', user = ''] = line.split(' ');
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (service !== '' && service !== '-') services.set(service, (services.get(service) ?? 0) + 1);
    if (user !== '' && user !== '-') users.set(user, (users.get(user) ?? 0) + 1);
    const h = Number(ts.slice(11, 13));
    if (ts >= '2000') hours[h] = (hours[h] ?? 0) + 1;
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([k]) => k);
  const max = Math.max(...hours);
  const peak = hours.flatMap((n, h) =>
    n === max ? [`${String(h).padStart(2, '0')}:00-${String(h + 1).padStart(2, '0')}:00`] : [],
  );
  return { statuses, services: top(services), users: top(users), peak };
}

function analyze() {
  const analyzer = createLogAnalyzer({
    config: resolveLogsConfig({ nowMs: Date.UTC(2025, 7, 1) }),
    format: 'text',
    where: { file: 'payments-example_input.txt' },
    anomalyCap: 10_000,
  });
  for (const line of lines) analyzer.push(line);
  return analyzer;
}

describe('the payments example file', () => {
  it('has 1,000 lines, the last one without a newline', () => {
    assert.equal(lines.length, 1000);
    assert.notEqual(lines.at(-1), '');
  });

  it('summarises to the independently computed counts', () => {
    const summary = analyze().analytics.toSummary();
    const expected = expectedSummary();
    assert.deepEqual(summary.payment_statuses, expected.statuses);
    assert.deepEqual(summary.top_services, expected.services);
    assert.deepEqual(summary.top_users, expected.users);
    assert.deepEqual(summary.peak_hours, expected.peak);
    assert.deepEqual([summary.lines, summary.valid, summary.invalid], [1000, 1000, 0]);
    // Pinned too, so a change in both computations at once still shows.
    assert.deepEqual(summary.payment_statuses, {
      FAILURE: 345,
      FAILURES: 2,
      FATAL: 2,
      INFO: 258,
      SUCCESS: 211,
      WARN: 182,
    });
    assert.deepEqual(summary.peak_hours, ['20:00-21:00']);
  });

  it('reports every planted bad line, and no honest line except as a duplicate', () => {
    const planted = lines.flatMap((line, i) => (CLEAN.test(line) ? [] : [i + 1]));
    // Found by hand: 299, 741, 964 have an empty user (two spaces); 376, 818 the status
    // FAILURES; 442, 884 are "1970-01-01T00:00:00Z FATAL - user000 ANOMALY_TRIGGER: AAAA…".
    assert.deepEqual(planted, [299, 376, 442, 741, 818, 884, 964]);

    const report = analyze().anomalies.toReport();
    assert.equal(report.truncated, false);
    const flagged = new Map<number, string[]>();
    for (const a of report.anomalies) {
      if (a.kind === 'duplicate_line') continue;
      const line = a.where.line ?? 0;
      flagged.set(line, [...(flagged.get(line) ?? []), a.kind]);
    }
    assert.deepEqual(
      [...flagged.keys()].sort((a, b) => a - b),
      planted,
    );
    for (const n of [299, 741, 964]) assert.deepEqual(flagged.get(n), ['missing_field'], `line ${n}`);
    for (const n of [376, 818]) assert.deepEqual(flagged.get(n), ['unknown_status'], `line ${n}`);
    for (const n of [442, 884]) {
      assert.deepEqual(
        flagged.get(n),
        ['unknown_status', 'impossible_timestamp', 'missing_field', 'oversized_message'],
        `line ${n}`,
      );
    }
  });

  it('reports the repeated lines: the file is 442 distinct lines, the rest are copies', () => {
    const firstSeen = new Map<string, number>();
    let copies = 0;
    for (const line of lines) {
      if (firstSeen.has(line)) copies++;
      else firstSeen.set(line, 1);
    }
    assert.equal(firstSeen.size, 442);
    assert.equal(analyze().anomalies.toReport().by_kind.duplicate_line, copies);
  });
});
