/**
 * The result of reading an ISO-8601 timestamp. `shape` is false when the text is not a
 * timestamp at all (the line is invalid); a timestamp with the right shape but impossible
 * parts (2025-02-30, hour 25) has `epochMs: null` and is kept as an anomaly, because the rest
 * of its line is still a countable payment.
 */
export type ParsedTimestamp = { shape: false } | { shape: true; epochMs: number | null };

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function offsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The digits at `at`..`at+len` of `text` as a number, or -1 if any is not a digit. */
function digits(text: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function toEpoch(parts: {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  offset: number | null;
}) {
  const { y, mo, d, h, mi, s, ms, offset } = parts;
  const possible =
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59 &&
    offset !== null;
  if (!possible) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000;
}

/**
 * Date.parse is not used: it silently rolls 2025-02-30 over to March 2nd and its accepted
 * formats vary, while we need to tell "not a timestamp" from "an impossible one". The common
 * `YYYY-MM-DDTHH:MM:SSZ` is read digit by digit, as this runs on every line of multi-GB
 * inputs; other ISO forms (fractions, offsets) go through the regular expression.
 */
export function parseTimestamp(text: string): ParsedTimestamp {
  if (
    text.length === 20 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 90 // Z
  ) {
    const [y, mo, d, h, mi, s] = [
      digits(text, 0, 4),
      digits(text, 5, 2),
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
      digits(text, 17, 2),
    ];
    if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && s >= 0) {
      return { shape: true, epochMs: toEpoch({ y, mo, d, h, mi, s, ms: 0, offset: 0 }) };
    }
    return { shape: false };
  }
  const m = ISO.exec(text);
  if (!m) return { shape: false };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return { shape: true, epochMs: toEpoch({ y, mo, d, h, mi, s, ms, offset: offsetMinutes(m[8] as string) }) };
}

/** Hour of day in UTC, 0–23, of an epoch time (which may be before 1970). */
export function utcHour(epochMs: number): number {
  return ((Math.floor(epochMs / 3_600_000) % 24) + 24) % 24;
}
