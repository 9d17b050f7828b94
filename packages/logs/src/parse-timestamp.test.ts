import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp, utcHour } from './parse-timestamp.js';

describe('parseTimestamp', () => {
  it('tells a timestamp, an impossible one and not a timestamp apart', () => {
    const cases: [string, ReturnType<typeof parseTimestamp>][] = [
      ['2025-07-22T12:34:56Z', { shape: true, epochMs: Date.UTC(2025, 6, 22, 12, 34, 56) }],
      ['2025-07-22T12:34:56.250Z', { shape: true, epochMs: Date.UTC(2025, 6, 22, 12, 34, 56, 250) }],
      ['2025-07-22T12:34:56+02:00', { shape: true, epochMs: Date.UTC(2025, 6, 22, 10, 34, 56) }],
      ['2025-07-22T00:30:00-01:00', { shape: true, epochMs: Date.UTC(2025, 6, 22, 1, 30, 0) }],
      ['2024-02-29T00:00:00Z', { shape: true, epochMs: Date.UTC(2024, 1, 29) }],
      ['1970-01-01T00:00:00Z', { shape: true, epochMs: 0 }],
      ['2025-02-29T00:00:00Z', { shape: true, epochMs: null }],
      ['2025-02-30T10:00:00Z', { shape: true, epochMs: null }],
      ['1900-02-29T10:00:00Z', { shape: true, epochMs: null }],
      ['2025-13-01T10:00:00Z', { shape: true, epochMs: null }],
      ['2025-00-10T10:00:00Z', { shape: true, epochMs: null }],
      ['2025-07-22T25:00:00Z', { shape: true, epochMs: null }],
      ['2025-07-22T12:60:00Z', { shape: true, epochMs: null }],
      ['2025-07-22T12:00:61Z', { shape: true, epochMs: null }],
      ['2025-07-22T12:00:00+24:00', { shape: true, epochMs: null }],
      ['2025-07-22 12:34:56Z', { shape: false }],
      ['2025-07-22T12:34:56', { shape: false }],
      ['22/07/2025', { shape: false }],
      ['1753187696', { shape: false }],
      ['', { shape: false }],
      ['yesterday', { shape: false }],
    ];
    for (const [text, expected] of cases) assert.deepEqual(parseTimestamp(text), expected, text);
  });
});

describe('utcHour', () => {
  it('gives the UTC hour, before 1970 too', () => {
    const cases: [number, number][] = [
      [Date.UTC(2025, 6, 22, 23, 59, 59), 23],
      [Date.UTC(2025, 6, 22, 0, 0, 0), 0],
      [Date.UTC(1969, 11, 31, 22, 30), 22],
    ];
    for (const [ms, hour] of cases) assert.equal(utcHour(ms), hour, new Date(ms).toISOString());
  });
});
