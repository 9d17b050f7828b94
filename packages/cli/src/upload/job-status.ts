import { jobViewSchema } from '@evh/events';
import { z } from 'zod';

/** `POST <ingest>/api/v1/files/upload` answers 202 with this. */
export const uploadAcceptedSchema = z.object({ job_id: z.string().min(1) });

/** `GET <reporter>/api/v1/jobs/:job_id`: the contract's job view, the fields evh reads. */
export const jobStatusSchema = jobViewSchema.pick({
  job_id: true,
  status: true,
  progress: true,
  error: true,
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const isFinished = (s: JobStatus) => s.status === 'completed' || s.status === 'failed';
