/** Per-minute usage counters: the ingest increments them, the controller reads them back. */
export const USAGE_MINUTE_MS = 60_000;
/** A minute's counters outlive the next minute, which the estimate still reads. */
export const USAGE_TTL_MS = 3 * USAGE_MINUTE_MS;

export function minuteOf(nowMs: number): number {
  return Math.floor(nowMs / USAGE_MINUTE_MS);
}

/**
 * Events in about the last 60 s from two fixed minutes: all of the current one plus the
 * share of the previous one that still lies within 60 s (the sliding-window-counter
 * approximation). It assumes the previous minute's events were spread evenly.
 */
export function lastMinuteEstimate(current: number, previous: number, nowMs: number): number {
  const elapsed = (nowMs % USAGE_MINUTE_MS) / USAGE_MINUTE_MS;
  return Math.round(current + previous * (1 - elapsed));
}
