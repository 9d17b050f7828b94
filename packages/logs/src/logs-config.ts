import { z } from 'zod';

const count = (fallback: number, min = 1) => z.number().int().min(min).default(fallback);
const share = (fallback: number) => z.number().min(0).max(1).default(fallback);

/**
 * Every threshold of parsing and anomaly detection, with its default. The whole object is
 * plain data so it crosses a worker-thread boundary by structured clone.
 */
export const logsConfigSchema = z.object({
  /** Statuses a payment line is expected to carry; any other status is an `unknown_status` anomaly. */
  knownStatuses: z.array(z.string().min(1)).min(1).default(['SUCCESS', 'FAILURE', 'INFO', 'WARN', 'ERROR']),
  /** The statuses counted as errors by the error-spike detector. */
  errorStatuses: z.array(z.string().min(1)).default(['FAILURE', 'ERROR']),
  /** Values that mean "no value" in a service or user field; `-` is the usual log placeholder. */
  missingMarkers: z.array(z.string()).default(['', '-']),
  /** Timestamps before this are implausible for payments (the epoch 1970-01-01 is a classic default value). */
  earliestMs: z
    .number()
    .int()
    .default(Date.UTC(2000, 0, 1)),
  /**
   * The reference "now" for the far-future check. Left out, there is no future check: the
   * detectors never read the clock themselves, so a given input always gives the same output.
   */
  nowMs: z.number().int().optional(),
  /** How far past `nowMs` a timestamp may be (clock skew) before it is an anomaly. */
  maxFutureSkewMs: count(24 * 3600 * 1000, 0),
  /** Payment messages are short sentences; a much longer one is junk or an injection attempt. */
  maxMessageLength: count(200),
  /** Length of the top-services and top-users lists. */
  topN: count(10),
  errorSpike: z
    .object({
      /** The sliding window, in events (not seconds: input lines are not in time order). */
      windowSize: count(100, 2),
      /** A spike needs at least this many errors in the window, so a tiny window cannot fire. */
      minErrors: count(10),
      /** Window error share must reach baseline × factor ... */
      factor: z.number().min(1).default(2),
      /** ... and baseline + minIncrease, so a 1% baseline does not fire at 2%. */
      minIncrease: share(0.2),
      /** Events that have left the window before the baseline is trusted. */
      minHistory: count(100, 0),
    })
    .prefault({}),
  userBurst: z
    .object({
      windowSize: count(100, 2),
      /** A user must have at least this many events in the window ... */
      minCount: count(10),
      /** ... and at least this share of it. */
      share: share(0.2),
    })
    .prefault({}),
  /** How many recent lines the duplicate detector remembers; 0 turns it off. */
  duplicateMemory: count(1_000, 0),
});

export type LogsConfig = z.output<typeof logsConfigSchema>;
export type LogsConfigInput = z.input<typeof logsConfigSchema>;

/** Fills in the defaults; throws a ZodError naming the bad option. */
export function resolveLogsConfig(input: LogsConfigInput = {}): LogsConfig {
  return logsConfigSchema.parse(input);
}
