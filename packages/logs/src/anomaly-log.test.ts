import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Anomaly } from './anomaly.js';
import { anomalyReportSchema } from './anomaly.js';
import { AnomalyLog } from './anomaly-log.js';

const at = (line: number, kind: Anomaly['kind'] = 'unknown_status'): Anomaly => ({
  kind,
  where: { file: 'f', line },
  detail: {},
});

describe('AnomalyLog', () => {
  it('keeps the first `cap` and counts them all', () => {
    const log = new AnomalyLog(3);
    for (let i = 1; i <= 5; i++) log.add(at(i, i % 2 ? 'unknown_status' : 'missing_field'));
    const report = log.toReport();
    assert.deepEqual(
      report.anomalies.map((a) => a.where.line),
      [1, 2, 3],
    );
    assert.deepEqual(report.by_kind, { missing_field: 2, unknown_status: 3 });
    assert.equal(report.total, 5);
    assert.equal(report.truncated, true);
    assert.equal(anomalyReportSchema.safeParse(report).success, true);
  });

  it('merges partitions in order, shifting their line numbers, up to the cap', () => {
    const first = new AnomalyLog(10);
    first.add(at(1));
    const second = new AnomalyLog(10);
    second.add(at(2));
    second.add({ kind: 'error_spike', where: { job: 'j' }, detail: {} });
    second.add(at(5));
    const merged = new AnomalyLog(3)
      .merge(first.snapshot())
      .merge(structuredClone(second.snapshot()), { lineOffset: 100 });
    assert.deepEqual(
      merged.items.map((a) => a.where),
      [{ file: 'f', line: 1 }, { file: 'f', line: 102 }, { job: 'j' }],
    );
    assert.equal(merged.total, 4);
    assert.equal(second.items[0]?.where.line, 2, 'the merged partition is not changed');
  });

  it('reports nothing truncated when under the cap', () => {
    assert.deepEqual(new AnomalyLog(5).toReport(), {
      total: 0,
      by_kind: {},
      cap: 5,
      truncated: false,
      anomalies: [],
    });
  });
});
