/**
 * Every Redis key of project quotas, shared by the controller (writes quotas, reads usage),
 * the ingest (reads quotas, keeps the buckets and the usage) and the consumer (reads weights).
 * A project's own keys share the hash tag `{projectId}`, as the crash keys do.
 */
const p = (projectId: string) => `quota:{${projectId}}`;

export const quotaKeys = {
  /** Hash: projectId -> effective quota JSON (see effective-quota.ts). */
  effective: () => 'quota:effective',
  /** String: the effective quota JSON of projects without a resource; absent = no default. */
  defaultQuota: () => 'quota:default',
  /** String: a counter bumped on every change above, so readers re-read only after a change. */
  version: () => 'quota:version',
  /** Hash: ProjectQuota key (namespace/name) -> the projectId it wrote, to undo after a delete. */
  owners: () => 'quota:owners',
  /** Hash: tokens, ts (ms) — the project's token bucket. */
  bucket: (projectId: string) => `${p(projectId)}:bucket`,
  /** Hash: accepted, throttled — counts of one minute (minute = floor(ms / 60000)). */
  usage: (projectId: string, minute: number) => `${p(projectId)}:usage:${minute}`,
} as const;
