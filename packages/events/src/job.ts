import { z } from 'zod';

/** Upload jobs: a file becomes a stream of events through the same pipeline. */
export const JOBS_TOPIC = 'jobs';
export const JOB_WORKERS_GROUP = 'job-workers';
/** The kind of the events a job produces, one per valid line. */
export const LOG_LINE_KIND = 'log';

export const jobStatusSchema = z.enum(['queued', 'processing', 'completed', 'failed']);
export type JobStatus = z.output<typeof jobStatusSchema>;

/** `.jsonl`: one JSON log entry a line; `.log`/`.txt`: `timestamp status service user message`. */
export const fileFormatSchema = z.enum(['jsonl', 'payment-log']);
export type FileFormat = z.output<typeof fileFormatSchema>;

/** The value of a message on the `jobs` topic: the job's state is in Redis, not here. */
export const jobMessageSchema = z.object({ jobId: z.string().uuid() });
export type JobMessage = z.output<typeof jobMessageSchema>;

/** A job as the API shows it (reporter GET, WebSocket, GraphQL). */
export interface JobView {
  job_id: string;
  file_name: string;
  format: FileFormat;
  project_id: string | null;
  size: number;
  status: JobStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  progress: {
    percent: number;
    bytes_read: number;
    lines_read: number;
    valid: number;
    invalid: number;
    processed: number;
  };
}
