import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveLogsConfig } from './logs-config.js';
import { parseJsonlLine } from './parse-jsonl-line.js';

const config = resolveLogsConfig();
const ts = '2025-07-22T12:34:56Z';
const base = { timestamp: ts, level: 'info', service: 'AuthService', message: 'hello' };

describe('parseJsonlLine', () => {
  it('reads a LogEntry, upper-cases level, prefers status, keeps extra fields', () => {
    const cases: [string, unknown, Record<string, unknown>][] = [
      ['level only', base, { status: 'INFO', user: undefined }],
      ['status wins over level', { ...base, status: 'FAILURE' }, { status: 'FAILURE' }],
      ['status only, no level', { ...base, level: undefined, status: 'SUCCESS' }, { status: 'SUCCESS' }],
      ['userId', { ...base, userId: 'user7' }, { user: 'user7' }],
      ['numeric userId', { ...base, userId: 42 }, { user: '42' }],
      ['placeholder userId is missing', { ...base, userId: '-' }, { user: '' }],
      [
        'extra fields kept',
        { ...base, amount: 12.5, trace: { id: 'a' } },
        { fields: { amount: 12.5, trace: { id: 'a' } } },
      ],
      ['impossible time', { ...base, timestamp: '2025-02-30T00:00:00Z' }, { epochMs: null }],
    ];
    for (const [what, json, expected] of cases) {
      const result = parseJsonlLine(JSON.stringify(json), config);
      assert.ok(result.ok, what);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual((result.entry as unknown as Record<string, unknown>)[key], value, `${what}: ${key}`);
      }
    }
  });

  it('rejects what is not a LogEntry, with a reason code', () => {
    const cases: [string, string, string][] = [
      ['blank', '  ', 'empty_line'],
      ['not JSON', '{"timestamp": ', 'invalid_json'],
      ['a payment line', `${ts} INFO AuthService user1 hello`, 'invalid_json'],
      ['an array', '[1,2]', 'schema'],
      ['null', 'null', 'schema'],
      ['no service', JSON.stringify({ ...base, service: undefined }), 'schema'],
      ['no level nor status', JSON.stringify({ ...base, level: undefined }), 'schema'],
      ['message is a number', JSON.stringify({ ...base, message: 5 }), 'schema'],
      ['bad timestamp', JSON.stringify({ ...base, timestamp: 'now' }), 'bad_timestamp'],
    ];
    for (const [what, line, reason] of cases) {
      const result = parseJsonlLine(line, config);
      assert.equal(result.ok ? 'ok' : result.reason, reason, what);
    }
  });

  it('names the failing field in a schema error', () => {
    const result = parseJsonlLine(JSON.stringify({ ...base, service: 3 }), config);
    assert.ok(!result.ok);
    assert.match(result.message, /^service: /);
  });
});
