import type { JobRecord, JobRecords } from '@evh/db';
import type { FileFormat, JobStatus, JobView } from '@evh/events';
import { peakHours } from '@evh/logs';
import { type AnalyticsScope, analyticsKeys as ak, jobKeys, type Redis } from '@evh/redis';

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);
const n = (v: string | undefined) => Number(v ?? 0);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function toJobView(h: Record<string, string>): JobView | null {
  if (!h.id) return null;
  const status = (h.status ?? 'queued') as JobStatus;
  return {
    job_id: h.id,
    file_name: h.fileName ?? '',
    format: (h.format ?? 'payment-log') as FileFormat,
    project_id: h.projectId || null,
    size: n(h.size),
    status,
    created_at: iso(h.createdAt) ?? '',
    started_at: iso(h.startedAt),
    finished_at: iso(h.finishedAt),
    error: h.error ?? null,
    progress: {
      percent: status === 'completed' ? 100 : n(h.percent),
      bytes_read: n(h.bytesRead),
      lines_read: n(h.linesRead),
      valid: n(h.valid),
      invalid: n(h.invalid),
      processed: n(h.processed),
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
      const live = toJobView(await redis.hgetall(jobKeys.job(jobId)));
      if (live || !records) return live;
      const record = await records.get(jobId);
      return record ? recordJobView(record) : null;
    },
    async jobSummary(jobId: string) {
      const [job, reasons, samples] = await Promise.all([
        redis.hgetall(jobKeys.job(jobId)),
        redis.hgetall(jobKeys.invalidReasons(jobId)),
        redis.lrange(jobKeys.invalidSamples(jobId), 0, -1),
      ]);
      const view = toJobView(job);
      if (!view) return null;
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
