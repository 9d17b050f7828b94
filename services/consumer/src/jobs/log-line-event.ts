import { z } from 'zod';

/**
 * The `log` field of an event a job produced for one valid line: what the consumer needs to
 * count it, already parsed and checked by the job worker.
 */
export const logLineSchema = z.object({
  jobId: z.string().uuid(),
  line: z.number().int().positive(),
  projectId: z.string().nullable(),
  status: z.string(),
  service: z.string(),
  user: z.string(),
  /** UTC hour of the line's timestamp; -1 when the timestamp gave none. */
  hour: z.number().int().min(-1).max(23),
  timestamp: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

export type LogLine = z.output<typeof logLineSchema>;
