import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLineAnomalies, timestampProblem } from './line-anomalies.js';
import type { ParsedEntry } from './log-entry.js';
import { resolveLogsConfig } from './logs-config.js';

const nowMs = Date.UTC(2025, 7, 1);
const config = resolveLogsConfig({ nowMs });
const good: ParsedEntry = {
  timestamp: '2025-07-22T12:34:56Z',
  epochMs: Date.UTC(2025, 6, 22, 12, 34, 56),
  status: 'SUCCESS',
  service: 'Pay',
  user: 'u1',
  message: 'Payment completed.',
};

describe('timestampProblem', () => {
  it('flags impossible, too early and too late instants', () => {
    const cases: [number | null, string | null][] = [
      [good.epochMs, null],
      [null, 'impossible'],
      [0, 'too_early'],
      [Date.UTC(1999, 11, 31, 23, 59, 59), 'too_early'],
      [Date.UTC(2000, 0, 1), null],
      [nowMs + 24 * 3600 * 1000, null],
      [nowMs + 24 * 3600 * 1000 + 1, 'too_late'],
      [Date.UTC(2999, 0, 1), 'too_late'],
    ];
    for (const [ms, expected] of cases) assert.equal(timestampProblem(ms, config), expected, String(ms));
  });

  it('has no future check without a reference now, so it never reads the clock', () => {
    assert.equal(timestampProblem(Date.UTC(2999, 0, 1), resolveLogsConfig()), null);
  });
});

describe('detectLineAnomalies', () => {
  it('reports what is odd about one line', () => {
    const cases: [string, Partial<ParsedEntry>, { kind: string; detail: Record<string, unknown> }[]][] = [
      ['a normal line', {}, []],
      [
        'unknown status',
        { status: 'FAILURES' },
        [{ kind: 'unknown_status', detail: { status: 'FAILURES' } }],
      ],
      ['lower-case status', { status: 'info' }, [{ kind: 'unknown_status', detail: { status: 'info' } }]],
      [
        'epoch timestamp',
        { timestamp: '1970-01-01T00:00:00Z', epochMs: 0 },
        [
          {
            kind: 'impossible_timestamp',
            detail: { problem: 'too_early', timestamp: '1970-01-01T00:00:00Z' },
          },
        ],
      ],
      [
        'impossible date',
        { timestamp: '2025-02-30T00:00:00Z', epochMs: null },
        [
          {
            kind: 'impossible_timestamp',
            detail: { problem: 'impossible', timestamp: '2025-02-30T00:00:00Z' },
          },
        ],
      ],
      ['missing user', { user: '' }, [{ kind: 'missing_field', detail: { fields: ['user'] } }]],
      ['jsonl without userId is fine', { user: undefined }, []],
      [
        'missing service and message',
        { service: '', message: '' },
        [{ kind: 'missing_field', detail: { fields: ['service', 'message'] } }],
      ],
      [
        'long message',
        { message: 'A'.repeat(201) },
        [{ kind: 'oversized_message', detail: { length: 201, max: 200 } }],
      ],
      ['message at the limit', { message: 'A'.repeat(200) }, []],
      [
        'the planted line of the sample',
        {
          timestamp: '1970-01-01T00:00:00Z',
          epochMs: 0,
          status: 'FATAL',
          service: '',
          message: 'A'.repeat(239),
        },
        [
          { kind: 'unknown_status', detail: { status: 'FATAL' } },
          {
            kind: 'impossible_timestamp',
            detail: { problem: 'too_early', timestamp: '1970-01-01T00:00:00Z' },
          },
          { kind: 'missing_field', detail: { fields: ['service'] } },
          { kind: 'oversized_message', detail: { length: 239, max: 200 } },
        ],
      ],
    ];
    for (const [what, change, expected] of cases) {
      assert.deepEqual(detectLineAnomalies({ ...good, ...change }, config), expected, what);
    }
  });

  it('uses the configured statuses', () => {
    const custom = resolveLogsConfig({ knownStatuses: ['OK', 'KO'] });
    assert.deepEqual(detectLineAnomalies({ ...good, status: 'OK' }, custom), []);
    assert.equal(detectLineAnomalies(good, custom)[0]?.kind, 'unknown_status');
  });
});
