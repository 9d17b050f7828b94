/**
 * The time-bucketed crash counts behind the console's severity chart: one Redis hash per
 * bucket (severity -> count), written by the consumer as it applies a crash and read back by
 * the reporter. Each bucket expires on its own a retention after it starts, so nothing has to
 * sweep old ones and a project that goes quiet costs nothing after a week.
 */
export type SeriesResolution = 'minute' | 'hour';

export interface SeriesSpec {
  /** The width of one bucket. */
  bucketMs: number;
  /** How many buckets the reporter answers with: the chart's window. */
  buckets: number;
  /** How long after it starts a bucket is kept; longer than the window, so a read at its edge finds it. */
  retentionMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const CRASH_SERIES: Readonly<Record<SeriesResolution, SeriesSpec>> = {
  // The last hour, per minute.
  minute: { bucketMs: MINUTE, buckets: 60, retentionMs: 2 * HOUR },
  // The last 7 days, per hour.
  hour: { bucketMs: HOUR, buckets: 7 * 24, retentionMs: 8 * 24 * HOUR },
};

/** The start (ms) of the bucket that holds `ms`. */
export function bucketStart(ms: number, resolution: SeriesResolution): number {
  const { bucketMs } = CRASH_SERIES[resolution];
  return Math.floor(ms / bucketMs) * bucketMs;
}

/** When the bucket holding `ms` expires (ms since the epoch, for PEXPIREAT). */
export function bucketExpiresAt(ms: number, resolution: SeriesResolution): number {
  return bucketStart(ms, resolution) + CRASH_SERIES[resolution].retentionMs;
}

/** The starts of the window's buckets ending with the one that holds `now`, oldest first. */
export function windowStarts(now: number, resolution: SeriesResolution): number[] {
  const { bucketMs, buckets } = CRASH_SERIES[resolution];
  const last = bucketStart(now, resolution);
  return Array.from({ length: buckets }, (_, i) => last - (buckets - 1 - i) * bucketMs);
}
