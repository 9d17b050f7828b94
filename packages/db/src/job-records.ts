import { z } from 'zod';
import type { Pool } from './create-pool.js';
import { toDbError } from './db-errors.js';

export const jobStatuses = ['queued', 'processing', 'completed', 'failed'] as const;

/** A row of `jobs`, as the reporter and the worker read it. */
export const jobRecordSchema = z.object({
  jobId: z.string(),
  projectId: z.string().nullable(),
  fileName: z.string(),
  sizeBytes: z.coerce.number(),
  format: z.string(),
  status: z.enum(jobStatuses),
  uploadDay: z.string(),
  createdAt: z.coerce.date(),
  startedAt: z.coerce.date().nullable(),
  finishedAt: z.coerce.date().nullable(),
  linesRead: z.coerce.number(),
  validLines: z.coerce.number(),
  invalidLines: z.coerce.number(),
  entriesLine: z.coerce.number(),
  error: z.string().nullable(),
});
export type JobRecord = z.output<typeof jobRecordSchema>;

const COLUMNS = `job_id AS "jobId", project_id AS "projectId", file_name AS "fileName",
  size_bytes AS "sizeBytes", format, status, to_char(upload_day, 'YYYY-MM-DD') AS "uploadDay",
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
  lines_read AS "linesRead", valid_lines AS "validLines", invalid_lines AS "invalidLines",
  entries_line AS "entriesLine", error`;

export interface JobStarted {
  jobId: string;
  projectId: string | null;
  fileName: string;
  sizeBytes: number;
  format: string;
  createdAt: number;
  startedAt: number;
  uploadDay: string;
}

/** The `jobs` table: each job's record, written by its worker, read by the reporter. */
export function createJobRecords(pool: Pool) {
  async function run<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw toDbError(err, what);
    }
  }
  return {
    /**
     * Records a job its worker starts or resumes: inserted as processing, or (resumed) kept
     * with its progress. Returns the record, whose entriesLine says where committed entries end.
     */
    started(job: JobStarted): Promise<JobRecord> {
      return run(`start job ${job.jobId}`, async () => {
        const { rows } = await pool.query(
          `INSERT INTO jobs (job_id, project_id, file_name, size_bytes, format, status, upload_day, created_at, started_at)
           VALUES ($1, $2, $3, $4, $5, 'processing', $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0))
           ON CONFLICT (job_id) DO UPDATE SET status = CASE WHEN jobs.status = 'queued' THEN 'processing' ELSE jobs.status END
           RETURNING ${COLUMNS}`,
          [
            job.jobId,
            job.projectId,
            job.fileName,
            job.sizeBytes,
            job.format,
            job.uploadDay,
            job.createdAt,
            job.startedAt,
          ],
        );
        return jobRecordSchema.parse(rows[0]);
      });
    },

    /** The job's file is read to its end: its totals. */
    async read(jobId: string, totals: { valid: number; invalid: number }): Promise<void> {
      await run(`finish reading job ${jobId}`, () =>
        pool.query('UPDATE jobs SET valid_lines = $2, invalid_lines = $3 WHERE job_id = $1', [
          jobId,
          totals.valid,
          totals.invalid,
        ]),
      );
    },

    /** The job's last chunk is applied: completed (a second call changes nothing). */
    async completed(jobId: string): Promise<void> {
      await run(`complete job ${jobId}`, () =>
        pool.query(
          `UPDATE jobs SET status = 'completed', finished_at = COALESCE(finished_at, now())
           WHERE job_id = $1 AND status = 'processing'`,
          [jobId],
        ),
      );
    },

    async failed(jobId: string, error: string): Promise<void> {
      await run(`fail job ${jobId}`, () =>
        pool.query(
          `UPDATE jobs SET status = 'failed', error = $2, finished_at = now() WHERE job_id = $1 AND status <> 'completed'`,
          [jobId, error.slice(0, 1000)],
        ),
      );
    },

    /**
     * A project's jobs, newest first, after the job (`afterJobId`, with its creation time) a
     * previous page ended at.
     */
    list(
      projectId: string,
      limit: number,
      after?: { createdAt: number; jobId: string },
    ): Promise<JobRecord[]> {
      return run(`list the jobs of ${projectId}`, async () => {
        const params: unknown[] = [projectId, limit];
        let keyset = '';
        if (after) {
          params.push(after.createdAt, after.jobId);
          keyset = 'AND (created_at, job_id) < (to_timestamp($3 / 1000.0), $4)';
        }
        const { rows } = await pool.query(
          `SELECT ${COLUMNS} FROM jobs WHERE project_id = $1 ${keyset} ORDER BY created_at DESC, job_id DESC LIMIT $2`,
          params,
        );
        return rows.map((r) => jobRecordSchema.parse(r));
      });
    },

    get(jobId: string): Promise<JobRecord | null> {
      return run(`read job ${jobId}`, async () => {
        const { rows } = await pool.query(`SELECT ${COLUMNS} FROM jobs WHERE job_id = $1`, [jobId]);
        return rows[0] ? jobRecordSchema.parse(rows[0]) : null;
      });
    },
  };
}

export type JobRecords = ReturnType<typeof createJobRecords>;
