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

/** Whether the parts name a real instant (not 2025-02-30, hour 25, minute 60). */
function possible(y: number, mo: number, d: number, hms: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && hms >= 0;
}

/** Seconds into the day, or -1 when the hour, minute or second is out of range. */
function secondOfDay(h: number, mi: number, s: number): number {
  return h <= 23 && mi <= 59 && s <= 59 ? h * 3600 + mi * 60 + s : -1;
}

/**
 * The epoch milliseconds of an ISO-8601 timestamp; null when it has the shape but names an
 * impossible instant; undefined when it is not a timestamp at all. parseTimestamp's answer
 * without its result object, for the per-line path (millions of lines, each an allocation).
 *
 * Date.parse is not used: it silently rolls 2025-02-30 over to March 2nd and its accepted
 * formats vary, while we need to tell "not a timestamp" from "an impossible one". The common
 * `YYYY-MM-DDTHH:MM:SSZ` is read digit by digit; other ISO forms (fractions, offsets) go
 * through the regular expression.
 */
export function timestampEpochMs(text: string): number | null | undefined {
  if (
    text.length === 20 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 90 // Z
  ) {
    const y = digits(text, 0, 4);
    const mo = digits(text, 5, 2);
    const d = digits(text, 8, 2);
    const h = digits(text, 11, 2);
    const mi = digits(text, 14, 2);
    const s = digits(text, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return undefined;
    return possible(y, mo, d, secondOfDay(h, mi, s)) ? Date.UTC(y, mo - 1, d, h, mi, s) : null;
  }
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offset = offsetMinutes(m[8] as string);
  if (offset === null || !possible(y, mo, d, secondOfDay(h, mi, s))) return null;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000;
}

/** timestampEpochMs as a result that says which of the three cases it is. */
export function parseTimestamp(text: string): ParsedTimestamp {
  const epochMs = timestampEpochMs(text);
  return epochMs === undefined ? { shape: false } : { shape: true, epochMs };
}

/** Hour of day in UTC, 0–23, of an epoch time (which may be before 1970). */
export function utcHour(epochMs: number): number {
  return ((Math.floor(epochMs / 3_600_000) % 24) + 24) % 24;
}
