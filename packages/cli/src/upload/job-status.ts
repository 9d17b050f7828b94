import { z } from 'zod';

/** `POST <ingest>/api/v1/files/upload` answers 202 with this. */
export const uploadAcceptedSchema = z.object({ job_id: z.string().min(1) });

/** `GET <reporter>/api/v1/jobs/:job_id` (issue 5's contract). */
export const jobStatusSchema = z.object({
  job_id: z.string(),
  status: z.enum(['queued', 'processing', 'completed', 'failed']),
  progress: z
    .object({
      percent: z.number().min(0).max(100),
      lines_read: z.number().int().nonnegative(),
      valid: z.number().int().nonnegative(),
      invalid: z.number().int().nonnegative(),
      processed: z.number().int().nonnegative(),
      bytes_read: z.number().int().nonnegative(),
    })
    .partial()
    .optional(),
  error: z.string().optional(),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const isFinished = (s: JobStatus) => s.status === 'completed' || s.status === 'failed';
