import { z } from 'zod';

/** summary.json: seed 001's tier-2 shape plus the line accounting. */
export const summarySchema = z.object({
  /** Every status seen on a valid line, unknown ones included, so the counts add up to `valid`. */
  payment_statuses: z.record(z.string(), z.number().int().nonnegative()),
  top_services: z.array(z.string()),
  top_users: z.array(z.string()),
  /** All hours tied for the most events, as "HH:00-HH+1:00" in UTC, ascending. */
  peak_hours: z.array(z.string()),
  lines: z.number().int().nonnegative(),
  valid: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  invalid_reasons: z.record(z.string(), z.number().int().nonnegative()),
});
export type Summary = z.infer<typeof summarySchema>;
