import type { ParsedLine } from './log-entry.js';
import { utcHour } from './parse-timestamp.js';
import type { Summary } from './summary.js';

/** The structured-clone form of an AnalyticsAccumulator, as sent from a worker thread. */
export interface AnalyticsSnapshot {
  lines: number;
  valid: number;
  invalid: number;
  invalidReasons: Map<string, number>;
  statuses: Map<string, number>;
  services: Map<string, number>;
  users: Map<string, number>;
  hours: number[];
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Code-unit order, not localeCompare: the same on every machine whatever its locale. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortedRecord(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => byName(a, b)));
}

/** The `n` largest counts, ties broken by name ascending so the list is stable. */
export function topByCount(map: Map<string, number>, n: number): string[] {
  return [...map]
    .sort(([a, x], [b, y]) => y - x || byName(a, b))
    .slice(0, n)
    .map(([name]) => name);
}

const pad = (h: number) => String(h).padStart(2, '0');

/** The hours holding the most events, as "HH:00-HH+1:00"; none when nothing was timed. */
export function peakHours(hours: readonly number[]): string[] {
  const max = Math.max(0, ...hours);
  if (max === 0) return [];
  return hours.flatMap((n, h) => (n === max ? [`${pad(h)}:00-${pad(h + 1)}:00`] : []));
}

/**
 * Counts of one partition of the input (a file, a byte range, a job). Partitions merge
 * exactly because every per-service and per-user count is kept, not just the running top 10:
 * a service that is 11th in every partition can be 1st overall. That costs memory in
 * proportion to the distinct services and users (tens of bytes each, so a million users is
 * well under 100 MB); past that, a count-min sketch with a heap would bound it, at the price
 * of approximate counts.
 */
export class AnalyticsAccumulator {
  lines = 0;
  valid = 0;
  invalid = 0;
  readonly invalidReasons = new Map<string, number>();
  readonly statuses = new Map<string, number>();
  readonly services = new Map<string, number>();
  readonly users = new Map<string, number>();
  readonly hours: number[] = new Array<number>(24).fill(0);

  static from(snapshot: AnalyticsSnapshot): AnalyticsAccumulator {
    return new AnalyticsAccumulator().merge(snapshot);
  }

  /**
   * Counts one line. A missing service or user is left out of its top list; an impossible
   * timestamp is left out of the hours (it has no hour), and so is one the caller found
   * implausible (`timed` false), but the line's status still counts.
   */
  add(line: ParsedLine, timed = true): void {
    this.lines++;
    if (!line.ok) {
      this.invalid++;
      bump(this.invalidReasons, line.reason);
      return;
    }
    const { entry } = line;
    this.valid++;
    bump(this.statuses, entry.status);
    if (entry.service) bump(this.services, entry.service);
    if (entry.user) bump(this.users, entry.user);
    if (timed && entry.epochMs !== null) {
      const h = utcHour(entry.epochMs);
      this.hours[h] = (this.hours[h] ?? 0) + 1;
    }
  }

  merge(other: AnalyticsSnapshot): this {
    this.lines += other.lines;
    this.valid += other.valid;
    this.invalid += other.invalid;
    for (const [k, n] of other.invalidReasons) bump(this.invalidReasons, k, n);
    for (const [k, n] of other.statuses) bump(this.statuses, k, n);
    for (const [k, n] of other.services) bump(this.services, k, n);
    for (const [k, n] of other.users) bump(this.users, k, n);
    for (let h = 0; h < 24; h++) this.hours[h] = (this.hours[h] ?? 0) + (other.hours[h] ?? 0);
    return this;
  }

  snapshot(): AnalyticsSnapshot {
    return {
      lines: this.lines,
      valid: this.valid,
      invalid: this.invalid,
      invalidReasons: new Map(this.invalidReasons),
      statuses: new Map(this.statuses),
      services: new Map(this.services),
      users: new Map(this.users),
      hours: [...this.hours],
    };
  }

  toSummary({ topN = 10 }: { topN?: number } = {}): Summary {
    return {
      payment_statuses: sortedRecord(this.statuses),
      top_services: topByCount(this.services, topN),
      top_users: topByCount(this.users, topN),
      peak_hours: peakHours(this.hours),
      lines: this.lines,
      valid: this.valid,
      invalid: this.invalid,
      invalid_reasons: sortedRecord(this.invalidReasons),
    };
  }
}
