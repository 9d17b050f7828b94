import type { JobRecord, JobRecords } from '@evh/db';
import type { FileFormat, JobView } from '@evh/events';
import { peakHours } from '@evh/logs';
import {
  type AnalyticsScope,
  analyticsKeys as ak,
  jobErrorText,
  jobKeys,
  jobRecord,
  type LiveJob,
  type Redis,
  readRecord,
} from '@evh/redis';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const n = (v: string | undefined) => Number(v ?? 0);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A job as the API shows it, from its live record in Redis (parsed by jobRecord). */
export function toJobView(job: LiveJob): JobView {
  return {
    job_id: job.id,
    file_name: job.fileName,
    format: job.format,
    project_id: job.projectId,
    size: job.size,
    status: job.status,
    created_at: new Date(job.createdAt).toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    // The code has a field of its own in Redis; the API keeps the `CODE: message` it had.
    error: jobErrorText(job),
    progress: {
      percent: job.status === 'completed' ? 100 : job.percent,
      bytes_read: job.bytesRead,
      lines_read: job.linesRead,
      valid: job.valid,
      invalid: job.invalid,
      processed: job.processed,
    },
  };
}

/**
 * A job as its PostgreSQL record has it: what is left once Redis's live state expired (after
 * RETENTION_MS) or was lost. The byte count and processed lines are not recorded there.
 */
export function recordJobView(r: JobRecord): JobView {
  return {
    job_id: r.jobId,
    file_name: r.fileName,
    format: r.format as FileFormat,
    project_id: r.projectId,
    size: r.sizeBytes,
    status: r.status,
    created_at: r.createdAt.toISOString(),
    started_at: r.startedAt?.toISOString() ?? null,
    finished_at: r.finishedAt?.toISOString() ?? null,
    error: r.error,
    progress: {
      percent: r.status === 'completed' ? 100 : 0,
      bytes_read: r.status === 'completed' ? r.sizeBytes : 0,
      lines_read: r.linesRead,
      valid: r.validLines,
      invalid: r.invalidLines,
      processed: r.status === 'completed' ? r.validLines : 0,
    },
  };
}

/**
 * Reads jobs, their summaries and anomalies, and projects' summaries, from Redis; a job Redis
 * no longer has, from its record in PostgreSQL (`records`, when the reporter has a database).
 */
export function createJobReader(redis: Redis, records?: JobRecords) {
  async function analytics(scope: AnalyticsScope) {
    const [statuses, services, users, hours] = await Promise.all([
      redis.hgetall(ak.statuses(scope)),
      // Counts are stored negated, so the first ten by score are the largest, ties by name.
      redis.zrange(ak.services(scope), 0, 9),
      redis.zrange(ak.users(scope), 0, 9),
      redis.hgetall(ak.hours(scope)),
    ]);
    const byHour = Array.from({ length: 24 }, (_, h) => n(hours[String(h)]));
    return {
      payment_statuses: Object.fromEntries(
        Object.entries(statuses)
          .sort(([a], [b]) => byName(a, b))
          .map(([k, v]) => [k, Number(v)]),
      ),
      top_services: services,
      top_users: users,
      peak_hours: peakHours(byHour),
      events_per_hour: byHour,
    };
  }

  return {
    async job(jobId: string): Promise<JobView | null> {
      const job = await readRecord(redis, jobRecord, jobKeys.job(jobId));
      if (job) return toJobView(job);
      if (!records) return null;
      const record = await records.get(jobId);
      return record ? recordJobView(record) : null;
    },
    async jobSummary(jobId: string) {
      const [job, reasons, samples] = await Promise.all([
        readRecord(redis, jobRecord, jobKeys.job(jobId)),
        redis.hgetall(jobKeys.invalidReasons(jobId)),
        redis.lrange(jobKeys.invalidSamples(jobId), 0, -1),
      ]);
      if (!job) return null;
      const view = toJobView(job);
      return {
        job_id: jobId,
        status: view.status,
        ...(await analytics(`job:${jobId}`)),
        lines: view.progress.lines_read,
        valid: view.progress.valid,
        invalid: view.progress.invalid,
        processed: view.progress.processed,
        invalid_reasons: Object.fromEntries(
          Object.entries(reasons)
            .sort(([a], [b]) => byName(a, b))
            .map(([k, v]) => [k, Number(v)]),
        ),
        invalid_samples: samples.map((s) => JSON.parse(s) as unknown),
      };
    },
    async jobAnomalies(jobId: string, limit: number, offset: number) {
      const key = jobKeys.anomalies(jobId);
      const [total, items] = await Promise.all([
        redis.zcard(key),
        redis.zrange(key, offset, offset + limit - 1),
      ]);
      return { total, limit, offset, items: items.map((i) => JSON.parse(i) as unknown) };
    },
    async projectSummary(projectId: string) {
      return { project_id: projectId, ...(await analytics(`project:${projectId}`)) };
    },
    async projectAnomalies(projectId: string, limit: number, offset: number) {
      const key = ak.projectAnomalies(projectId);
      const [total, items] = await Promise.all([
        redis.zcard(key),
        redis.zrevrange(key, offset, offset + limit - 1),
      ]);
      return {
        project_id: projectId,
        total,
        limit,
        offset,
        items: items.map((i) => JSON.parse(i) as unknown),
      };
    },
  };
}

export type JobReader = ReturnType<typeof createJobReader>;
