/**
 * Keys of upload jobs and of the log analytics their lines feed. A job's keys share the hash
 * tag `{jobId}`; analytics are kept per scope: `project:<id>` and `job:<id>`.
 */
const j = (jobId: string) => `job:{${jobId}}`;

export type AnalyticsScope = `project:${string}` | `job:${string}`;

export const jobKeys = {
  /** Hash: the job's state; its fields are jobRecord's (job-record.ts). */
  job: (jobId: string) => j(jobId),
  /** List: the first invalid lines, as JSON `{line, reason, message}`. */
  invalidSamples: (jobId: string) => `${j(jobId)}:invalid`,
  /** Hash: invalid reason -> count. */
  invalidReasons: (jobId: string) => `${j(jobId)}:invalid-reasons`,
  /** List: the job's anomalies (capped), as JSON. */
  anomalies: (jobId: string) => `${j(jobId)}:anomalies`,
  /** String: set when a chunk's effects were applied (the chunk named by its first line); makes that idempotent. */
  chunkApplied: (jobId: string, firstLine: number) => `${j(jobId)}:chunk:${firstLine}`,
  /**
   * String: set when a log line's effects were applied, by the per-line events of jobs read
   * before chunks. Kept while such events may still be queued.
   */
  lineApplied: (jobId: string, line: number) => `${j(jobId)}:applied:${line}`,
  /** Pub/sub channel of the job's state, published at each stage. */
  progressChannel: (jobId: string) => `job-progress:${jobId}`,
  progressPattern: () => 'job-progress:*',
} as const;

export const analyticsKeys = {
  /** Hash: status -> count. */
  statuses: (scope: AnalyticsScope) => `logs:{${scope}}:statuses`,
  /** ZSet: service -> minus its count (negative, so ZRANGE lists the largest first, ties by name). */
  services: (scope: AnalyticsScope) => `logs:{${scope}}:services`,
  /** ZSet: user -> minus its count, as for services. */
  users: (scope: AnalyticsScope) => `logs:{${scope}}:users`,
  /** Hash: hour of day (0-23, UTC) -> count. */
  hours: (scope: AnalyticsScope) => `logs:{${scope}}:hours`,
  /** List: a project's anomalies (capped), newest last, as JSON. */
  projectAnomalies: (projectId: string) => `logs:{project:${projectId}}:anomalies`,
} as const;
