import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalyticsAccumulator } from './analytics-accumulator.js';
import { AnomalyLog } from './anomaly-log.js';
import { createLogAnalyzer, formatForFile } from './log-analyzer.js';
import { resolveLogsConfig } from './logs-config.js';

const config = resolveLogsConfig({ nowMs: Date.UTC(2025, 7, 1) });
const ts = (i: number) =>
  `2025-07-22T${String(i % 24).padStart(2, '0')}:00:${String(i % 60).padStart(2, '0')}Z`;

/** 300 quiet lines, then 40 failures in a row, with a few bad lines sprinkled in. */
function lines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 340; i++) {
    const status = i >= 300 ? 'FAILURE' : i % 10 === 0 ? 'FAILURE' : 'SUCCESS';
    out.push(`${ts(i)} ${status} Svc${i % 3} user${i % 50} message ${i}`);
  }
  out[5] = 'garbage';
  out[17] = `${ts(17)} FAILURES Svc1 user1 typo`;
  out[42] = `${ts(42)} INFO Svc1  no user`;
  return out;
}

function analyze(input: string[], cap = 1000) {
  const analyzer = createLogAnalyzer({ config, format: 'text', where: { file: 'f.txt' }, anomalyCap: cap });
  for (const l of input) analyzer.push(l);
  return analyzer;
}

describe('formatForFile', () => {
  it('reads .jsonl and .ndjson as JSON, anything else as payment lines', () => {
    const cases: [string, string][] = [
      ['a.jsonl', 'jsonl'],
      ['A.NDJSON', 'jsonl'],
      ['a.txt', 'text'],
      ['a.log', 'text'],
      ['jsonl', 'text'],
    ];
    for (const [name, format] of cases) assert.equal(formatForFile(name), format, name);
  });
});

describe('createLogAnalyzer', () => {
  it('counts every line and reports each anomaly with its file and line number', () => {
    const analyzer = analyze(lines());
    const summary = analyzer.analytics.toSummary();
    assert.equal(summary.lines, 340);
    assert.equal(summary.invalid, 1);
    assert.equal(analyzer.lineNo, 340);
    const report = analyzer.anomalies.toReport();
    const brief = report.anomalies.map((a) => [a.kind, a.where.line]);
    assert.deepEqual(brief, [
      ['invalid_line', 6],
      ['unknown_status', 18],
      ['missing_field', 43],
      // The baseline is 10% errors, so the window must reach 30%: 23 failures in a row do it.
      ['error_spike', 324],
    ]);
    assert.equal(report.by_kind.invalid_line, summary.invalid);
    assert.deepEqual(report.anomalies[0]?.where, { file: 'f.txt', line: 6 });
    assert.deepEqual(report.anomalies[0]?.detail, {
      reason: 'too_few_fields',
      message: 'expected "timestamp status service user message", got "garbage"',
      text: 'garbage',
    });
    assert.equal(report.anomalies[1]?.at, ts(17));
  });

  it('flags a user burst and duplicate lines', () => {
    const input = lines().slice(0, 200);
    for (let i = 0; i < 30; i++) input.splice(100 + i * 2, 0, `${ts(i)} INFO Svc1 spammer hit ${i}`);
    input.push(input[10] as string);
    const report = analyze(input).anomalies.toReport();
    const burst = report.anomalies.find((a) => a.kind === 'user_burst');
    assert.deepEqual(burst?.detail, { user: 'spammer', count: 20, window: 100 });
    const duplicate = report.anomalies.find((a) => a.kind === 'duplicate_line');
    assert.deepEqual(duplicate?.where.line, input.length);
    assert.deepEqual(duplicate?.detail, { lines_back: input.length - 11 });
  });

  it('is deterministic for a given input', () => {
    assert.deepEqual(analyze(lines()).anomalies.toReport(), analyze(lines()).anomalies.toReport());
  });

  it('gives the same counts and line anomalies when the input is cut into partitions', () => {
    const input = lines();
    const whole = analyze(input);
    const analytics = new AnalyticsAccumulator();
    const anomalies = new AnomalyLog(1000);
    let offset = 0;
    for (const [from, to] of [
      [0, 100],
      [100, 101],
      [101, 340],
    ] as const) {
      const part = analyze(input.slice(from, to));
      analytics.merge(part.analytics.snapshot());
      anomalies.merge(part.anomalies.snapshot(), { lineOffset: offset });
      offset += part.lineNo;
    }
    assert.deepEqual(analytics.toSummary(), whole.analytics.toSummary());
    const perLine = (log: AnomalyLog) =>
      log.items.filter((a) => a.kind !== 'error_spike' && a.kind !== 'user_burst');
    assert.deepEqual(perLine(anomalies), perLine(whole.anomalies));
  });

  it('reads .jsonl, keeps event ids, and counts lines the reader had to skip', () => {
    const analyzer = createLogAnalyzer({ config, format: 'jsonl', where: { job: 'job-1' }, anomalyCap: 10 });
    analyzer.push(
      JSON.stringify({ timestamp: ts(1), level: 'error', service: 'Api', message: 'boom', userId: 'u1' }),
    );
    analyzer.push('{"nope"', { eventId: 'ev-2' });
    analyzer.pushInvalid('line_too_long', 'longer than 1 MiB');
    const summary = analyzer.analytics.toSummary();
    assert.deepEqual(summary.payment_statuses, { ERROR: 1 });
    assert.deepEqual(summary.invalid_reasons, { invalid_json: 1, line_too_long: 1 });
    assert.deepEqual(
      analyzer.anomalies.items.map((a) => a.where),
      [
        { job: 'job-1', line: 2, eventId: 'ev-2' },
        { job: 'job-1', line: 3 },
      ],
    );
  });
});
