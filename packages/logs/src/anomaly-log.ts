import type { Anomaly, AnomalyReport } from './anomaly.js';

/** The structured-clone form of an AnomalyLog, as sent from a worker thread. */
export interface AnomalyLogSnapshot {
  cap: number;
  total: number;
  byKind: Map<string, number>;
  items: Anomaly[];
}

/**
 * Keeps the first `cap` anomalies and counts all of them, so memory stays bounded however bad
 * the input is. Merging partitions in input order keeps "the first `cap`" exact.
 */
export class AnomalyLog {
  total = 0;
  readonly byKind = new Map<string, number>();
  readonly items: Anomaly[] = [];

  constructor(readonly cap: number) {}

  add(anomaly: Anomaly): void {
    this.total++;
    this.byKind.set(anomaly.kind, (this.byKind.get(anomaly.kind) ?? 0) + 1);
    if (this.items.length < this.cap) this.items.push(anomaly);
  }

  /**
   * Appends a later partition. `lineOffset` turns the partition's own line numbers into the
   * file's: a worker reading a byte range cannot know how many lines came before it.
   */
  merge(other: AnomalyLogSnapshot, { lineOffset = 0 }: { lineOffset?: number } = {}): this {
    this.total += other.total;
    for (const [kind, n] of other.byKind) this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + n);
    for (const item of other.items) {
      if (this.items.length >= this.cap) break;
      const line = item.where.line;
      this.items.push(
        line === undefined || lineOffset === 0
          ? item
          : { ...item, where: { ...item.where, line: line + lineOffset } },
      );
    }
    return this;
  }

  snapshot(): AnomalyLogSnapshot {
    return { cap: this.cap, total: this.total, byKind: new Map(this.byKind), items: [...this.items] };
  }

  toReport(): AnomalyReport {
    return {
      total: this.total,
      by_kind: Object.fromEntries([...this.byKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      cap: this.cap,
      truncated: this.total > this.items.length,
      anomalies: this.items,
    };
  }
}
