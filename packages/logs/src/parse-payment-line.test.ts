import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParsedLine } from './log-entry.js';
import { resolveLogsConfig } from './logs-config.js';
import { excerpt, parsePaymentLine } from './parse-payment-line.js';

const config = resolveLogsConfig();
const ts = '2025-07-22T12:34:56Z';
const ms = Date.UTC(2025, 6, 22, 12, 34, 56);

const entry = (fields: Partial<{ status: string; service: string; user: string; message: string }>) => ({
  ok: true,
  entry: {
    timestamp: ts,
    epochMs: ms,
    status: 'INFO',
    service: 'AuthService',
    user: 'user123',
    message: 'User login successful',
    ...fields,
  },
});

describe('parsePaymentLine', () => {
  it('reads valid lines, and odd-but-readable ones as valid', () => {
    const cases: [string, string, ParsedLine][] = [
      ['the seed example', `${ts} INFO AuthService user123 User login successful`, entry({}) as ParsedLine],
      ['CRLF line end', `${ts} INFO AuthService user123 User login successful\r`, entry({}) as ParsedLine],
      [
        'unknown status is kept as written',
        `${ts} FATAL AuthService user123 User login successful`,
        entry({ status: 'FATAL' }) as ParsedLine,
      ],
      ['no message', `${ts} INFO AuthService user123`, entry({ message: '' }) as ParsedLine],
      [
        'empty user (two spaces)',
        `${ts} INFO AuthService  Batch job started.`,
        entry({ user: '', message: 'Batch job started.' }) as ParsedLine,
      ],
      [
        'placeholder service',
        `${ts} INFO - user123 User login successful`,
        entry({ service: '' }) as ParsedLine,
      ],
      [
        'placeholder user, trailing space',
        `${ts} INFO AuthService - `,
        entry({ user: '', message: '' }) as ParsedLine,
      ],
      [
        'message keeps its spaces',
        `${ts} INFO AuthService user123  two  spaces `,
        entry({ message: ' two  spaces ' }) as ParsedLine,
      ],
      [
        'impossible timestamp is valid with no instant',
        '2025-02-30T10:00:00Z SUCCESS AuthService user123 User login successful',
        {
          ok: true,
          entry: { ...entry({ status: 'SUCCESS' }).entry, timestamp: '2025-02-30T10:00:00Z', epochMs: null },
        },
      ],
    ];
    for (const [what, line, expected] of cases)
      assert.deepEqual(parsePaymentLine(line, config), expected, what);
  });

  it('rejects lines with nothing trustworthy to count, with a reason code', () => {
    const cases: [string, string, string][] = [
      ['empty', '', 'empty_line'],
      ['blank', '   \t', 'empty_line'],
      ['just CR', '\r', 'empty_line'],
      ['three fields', `${ts} INFO AuthService`, 'too_few_fields'],
      ['one field', 'garbage', 'too_few_fields'],
      ['not a timestamp', 'yesterday INFO AuthService user123 hello', 'bad_timestamp'],
      ['date without time', '2025-07-22 INFO AuthService user123 hello', 'bad_timestamp'],
      ['leading space', ` ${ts} INFO AuthService user123 hello`, 'bad_timestamp'],
      ['empty status', `${ts}  AuthService user123 hello`, 'missing_status'],
      ['binary junk', '\u0000\u0001\u0002 \uFFFD\uFFFD \u0007 x y', 'bad_timestamp'],
    ];
    for (const [what, line, reason] of cases) {
      const result = parsePaymentLine(line, config);
      assert.equal(result.ok, false, what);
      if (!result.ok) {
        assert.equal(result.reason, reason, what);
        assert.ok(result.message.length > 0, what);
      }
    }
  });

  it('keeps error messages short whatever the line', () => {
    const result = parsePaymentLine('x'.repeat(100_000), config);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.message.length < 200);
    assert.equal(excerpt('abc', 2), 'ab…');
  });

  it('honours the configured placeholders', () => {
    const custom = resolveLogsConfig({ missingMarkers: ['', 'n/a'] });
    const result = parsePaymentLine(`${ts} INFO - n/a hello`, custom);
    assert.deepEqual(result.ok && [result.entry.service, result.entry.user], ['-', '']);
  });
});
