import { z } from 'zod';

/** Upload jobs: a file becomes a stream of events through the same pipeline. */
export const JOBS_TOPIC = 'jobs';
export const JOB_WORKERS_GROUP = 'job-workers';
/**
 * The kind of the per-line events jobs produced before chunks (log-chunk.ts). No longer
 * produced; kept while the fair scheduler's project key still names it.
 * @deprecated use LOG_CHUNK_KIND
 */
export const LOG_LINE_KIND = 'log';

export const jobStatusSchema = z.enum(['queued', 'processing', 'completed', 'failed']);
export type JobStatus = z.output<typeof jobStatusSchema>;

/** `.jsonl`: one JSON log entry a line; `.log`/`.txt`: `timestamp status service user message`. */
export const fileFormatSchema = z.enum(['jsonl', 'payment-log']);
export type FileFormat = z.output<typeof fileFormatSchema>;

/** The value of a message on the `jobs` topic: the job's state is in Redis, not here. */
export const jobMessageSchema = z.object({ jobId: z.string().uuid() });
export type JobMessage = z.output<typeof jobMessageSchema>;

/** A job as the API shows it (reporter GET, WebSocket, GraphQL) and clients (evh) read it. */
export const jobViewSchema = z.object({
  job_id: z.string(),
  file_name: z.string(),
  format: fileFormatSchema,
  project_id: z.string().nullable(),
  size: z.number().int().nonnegative(),
  status: jobStatusSchema,
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  error: z.string().nullable(),
  progress: z.object({
    percent: z.number().min(0).max(100),
    bytes_read: z.number().int().nonnegative(),
    lines_read: z.number().int().nonnegative(),
    valid: z.number().int().nonnegative(),
    invalid: z.number().int().nonnegative(),
    processed: z.number().int().nonnegative(),
  }),
});
export type JobView = z.output<typeof jobViewSchema>;
