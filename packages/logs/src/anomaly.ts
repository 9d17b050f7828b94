import { z } from 'zod';

export const anomalyKinds = [
  /** A line that could not be used; detail.reason is its InvalidReason. */
  'invalid_line',
  'unknown_status',
  /** Impossible (2025-02-30, hour 25), before LogsConfig.earliestMs, or too far in the future. */
  'impossible_timestamp',
  /** An empty or placeholder service, user or message. */
  'missing_field',
  'oversized_message',
  /** The same line again within the last LogsConfig.duplicateMemory lines: a replay or a double post. */
  'duplicate_line',
  'error_spike',
  'user_burst',
] as const;
export type AnomalyKind = (typeof anomalyKinds)[number];

export const anomalyWhereSchema = z.object({
  file: z.string().optional(),
  job: z.string().optional(),
  /** 1-based line number in the file or job. */
  line: z.number().int().positive().optional(),
  eventId: z.string().optional(),
});
export type AnomalyWhere = z.infer<typeof anomalyWhereSchema>;

export const anomalySchema = z.object({
  kind: z.enum(anomalyKinds),
  where: anomalyWhereSchema,
  detail: z.record(z.string(), z.unknown()),
  /** The event's timestamp as written, when the line had one. */
  at: z.string().optional(),
});
export type Anomaly = z.infer<typeof anomalySchema>;

/** anomalies.json: the first `cap` anomalies in input order, and the count of every one found. */
export const anomalyReportSchema = z.object({
  total: z.number().int().nonnegative(),
  by_kind: z.record(z.string(), z.number().int().nonnegative()),
  cap: z.number().int().nonnegative(),
  truncated: z.boolean(),
  anomalies: z.array(anomalySchema),
});
export type AnomalyReport = z.infer<typeof anomalyReportSchema>;
