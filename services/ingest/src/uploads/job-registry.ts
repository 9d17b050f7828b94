import type { FileFormat } from '@evh/events';
import { jobKeys, type LiveJobWrite, type Redis } from '@evh/redis';

export interface NewJob {
  jobId: string;
  fileName: string;
  format: FileFormat;
  size: number;
  projectId: string | null;
  storageKey: string;
  createdAt: number;
}

/** Writes a new job's record, status `queued`. The consumer's job worker owns it from there. */
export function createJobRegistry(redis: Redis, retentionMs: number) {
  return {
    async create(job: NewJob): Promise<void> {
      const key = jobKeys.job(job.jobId);
      // Typed by the job record: a field it does not have, or a format or status it does not
      // allow, does not compile.
      const fields: LiveJobWrite = {
        id: job.jobId,
        fileName: job.fileName,
        format: job.format,
        size: job.size,
        projectId: job.projectId ?? '',
        storageKey: job.storageKey,
        status: 'queued',
        createdAt: job.createdAt,
        percent: 0,
      };
      await redis.multi().hset(key, fields).pexpire(key, retentionMs).exec();
    },
    /** Drops a job that could not be queued. */
    async remove(jobId: string): Promise<void> {
      await redis.del(jobKeys.job(jobId));
    },
  };
}

export type JobRegistry = ReturnType<typeof createJobRegistry>;
