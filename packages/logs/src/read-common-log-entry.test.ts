import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveLogsConfig } from './logs-config.js';
import { parseJsonlLine, parseJsonlLineBySchema } from './parse-jsonl-line.js';
import { readCommonLogEntry } from './read-common-log-entry.js';

const config = resolveLogsConfig();
const ts = '2025-07-22T12:34:56Z';
const base = { timestamp: ts, status: 'SUCCESS', service: 'PaymentService', userId: 'user1', message: 'ok' };
const line = (fields: Record<string, unknown>) => JSON.stringify({ ...base, ...fields });

/** Lines the hand-written check must read itself: the common shapes of an upload. */
const common: [string, string][] = [
  ['the upload shape', line({ amount: 12.5 })],
  ['no extra fields', line({})],
  ['level only', line({ status: undefined, level: 'info' })],
  ['level and status', line({ level: 'warn', status: 'FAILURE' })],
  ['no userId', line({ userId: undefined })],
  ['numeric userId', line({ userId: 42 })],
  ['fractional userId', line({ userId: 1.5 })],
  ['placeholder userId', line({ userId: '-' })],
  ['empty userId', line({ userId: '' })],
  ['placeholder service', line({ service: '-' })],
  ['empty service and message', line({ service: '', message: '' })],
  ['unknown status', line({ status: 'FAILURES' })],
  ['lower-case status kept', line({ status: 'info' })],
  ['extra fields of every type', line({ a: null, b: [1, { c: 2 }], d: { e: 'f' }, g: true, h: 'x' })],
  ['an integer-like extra key', line({ 7: 'seven', z: 1 })],
  ['a key named constructor', line({ constructor: 'x', toString: 1 })],
  [
    'fields in another order',
    JSON.stringify({ message: 'm', amount: 1, userId: 'u', service: 's', level: 'e', timestamp: ts }),
  ],
  ['escaped text', line({ message: 'line\\nbreak \u00e9 \ud83d\ude00 "quoted"' })],
  ['whitespace around JSON', `  ${line({})}  `],
  ['fraction timestamp', line({ timestamp: '2025-07-22T12:34:56.123456Z' })],
  ['offset timestamp', line({ timestamp: '2025-07-22T12:34:56+02:00' })],
  ['impossible day', line({ timestamp: '2025-02-30T00:00:00Z' })],
  ['impossible hour', line({ timestamp: '2025-07-22T25:00:00Z' })],
  ['impossible offset', line({ timestamp: '2025-07-22T12:00:00+24:00' })],
  ['the epoch', line({ timestamp: '1970-01-01T00:00:00Z' })],
  ['a two-digit year', line({ timestamp: '0099-12-31T23:59:59Z' })],
  ['far future', line({ timestamp: '2999-01-01T00:00:00Z' })],
  ['timestamp with no zone', line({ timestamp: '2025-07-22T12:34:56' })],
  ['timestamp with a space', line({ timestamp: '2025-07-22 12:34:56Z' })],
  ['timestamp with a letter digit', line({ timestamp: '2025-07-2XT12:34:56Z' })],
  ['timestamp in another format', line({ timestamp: '22/07/2025' })],
  ['empty timestamp', line({ timestamp: '' })],
];

/** Lines it must leave to the schema: what the schema rejects, and its one odd key. */
const toSchema: [string, string][] = [
  ['no timestamp', line({ timestamp: undefined })],
  ['numeric timestamp', line({ timestamp: 1753187696 })],
  ['no service', line({ service: undefined })],
  ['null service', line({ service: null })],
  ['no message', line({ message: undefined })],
  ['numeric message', line({ message: 5 })],
  ['no level nor status', line({ status: undefined })],
  ['empty status', line({ status: '' })],
  ['empty level', line({ status: undefined, level: '' })],
  ['empty level beside a status', line({ level: '' })],
  ['null status', line({ status: null })],
  ['numeric level', line({ status: undefined, level: 3 })],
  ['boolean userId', line({ userId: true })],
  ['null userId', line({ userId: null })],
  ['object userId', line({ userId: { id: 1 } })],
  ['several problems at once', JSON.stringify({ timestamp: 1, service: 2 })],
  ['an empty object', '{}'],
  ['an array', '[1,2]'],
  ['a string', '"a line"'],
  ['a number', '42'],
  ['null', 'null'],
  ['an own __proto__ key', `{"__proto__":{"x":1},${line({}).slice(1)}`],
];

/** Lines neither path gets to: blank or not JSON, whichever format they look like. */
const notJson: [string, string][] = [
  ['blank', ''],
  ['spaces', '   '],
  ['carriage return', '\r'],
  ['truncated JSON', '{"timestamp": '],
  ['a brace alone', '{'],
  ['a payment line', `${ts} SUCCESS PaymentService user1 Payment completed.`],
  ['a payment line with a missing user', `${ts} INFO AuthenticationService  Batch job started.`],
  ['a payment line with CRLF', `${ts} FAILURE PaymentService user2 declined\r`],
  ['a payment line with a bad timestamp', '22/07/2025 SUCCESS PaymentService user1 ok'],
  ['too few fields', `${ts} SUCCESS`],
];

describe('readCommonLogEntry', () => {
  it('gives what the schema gives, for every line of the corpus', () => {
    for (const [what, text] of [...common, ...toSchema, ...notJson]) {
      assert.deepStrictEqual(parseJsonlLine(text, config), parseJsonlLineBySchema(text, config), what);
    }
  });

  it('reads the common lines itself and leaves the rest to the schema', () => {
    for (const [what, text] of common) {
      assert.notEqual(readCommonLogEntry(JSON.parse(text), config.missingMarkers), undefined, what);
    }
    for (const [what, text] of toSchema) {
      assert.equal(readCommonLogEntry(JSON.parse(text), config.missingMarkers), undefined, what);
    }
  });

  it('keeps the schema’s messages for the lines it leaves to it', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ status: undefined }, 'level: level or status is required'],
      [{ userId: true }, 'userId: Invalid input'],
      [
        { service: 3, message: undefined },
        'service: Invalid input: expected string, received number; message: Invalid input: expected string, received undefined',
      ],
    ];
    for (const [fields, message] of cases) {
      assert.deepStrictEqual(parseJsonlLine(line(fields), config), { ok: false, reason: 'schema', message });
    }
  });
});
