import { z } from 'zod';

/**
 * One `.jsonl` log event as uploaded (seed 002's `LogEntry`). Unknown fields are kept, since
 * producers add their own (trace ids, amounts) and dropping them would lose data.
 */
export const LogEntry = z
  .looseObject({
    timestamp: z.string(),
    level: z.string().min(1).optional(),
    status: z.string().min(1).optional(),
    service: z.string(),
    message: z.string(),
    userId: z.union([z.string(), z.number().transform(String)]).optional(),
  })
  .refine((e) => e.level !== undefined || e.status !== undefined, {
    message: 'level or status is required',
    path: ['level'],
  });
export type LogEntry = z.output<typeof LogEntry>;

/**
 * Why a line could not be used at all. Everything else that is odd about a line that could be
 * read is an anomaly, and the line still counts (see parse-payment-line.ts).
 */
export const invalidReasons = [
  'empty_line',
  'too_few_fields',
  'bad_timestamp',
  'missing_status',
  'line_too_long',
  'invalid_json',
  'schema',
] as const;
export type InvalidReason = (typeof invalidReasons)[number];

/** A line that was read: the common shape of both formats. */
export interface ParsedEntry {
  /** The timestamp as written. */
  timestamp: string;
  /** Null when the timestamp has the right shape but names an impossible instant. */
  epochMs: number | null;
  status: string;
  /** '' when the line has none or a placeholder such as `-` (see LogsConfig.missingMarkers). */
  service: string;
  /** '' as for service; undefined only for a `.jsonl` event without `userId`, where it is optional. */
  user?: string;
  message: string;
  /** The extra fields of a `.jsonl` event, when it had any. */
  fields?: Record<string, unknown>;
}

export type ParsedLine =
  | { ok: true; entry: ParsedEntry }
  | { ok: false; reason: InvalidReason; message: string };

export const invalid = (reason: InvalidReason, message: string): ParsedLine => ({
  ok: false,
  reason,
  message,
});
