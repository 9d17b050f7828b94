/**
 * Every Redis key of projects and their credentials, shared by the reporter (writes them
 * through the admin API) and every service that authenticates (reads them into a cache). A
 * project's own keys share the hash tag `{projectId}`, as the crash keys do; the registry
 * keys are global, since a credential is looked up before its project is known.
 */
const p = (projectId: string) => `project:{${projectId}}`;

export const projectKeys = {
  /** Hash: the project's metadata; its fields are projectRecord's (project-record.ts). */
  project: (projectId: string) => `${p(projectId)}:meta`,
  /** Hash: keyId -> key JSON (keyId, createdAt, expiresAt, ingestHash, readHash), no secrets. */
  keys: (projectId: string) => `${p(projectId)}:keys`,
  /** String: the last project number handed out (1, 2, 3 … without gaps). */
  seq: () => 'projects:seq',
  /** Hash: number -> projectId. */
  byNumber: () => 'projects:by-number',
  /** ZSet: projectId scored by its number, for the listing. */
  index: () => 'projects:index',
  /** Hash: SHA-256 of a credential (hex) -> credential JSON (projectId, keyId, kind, expiresAt). */
  credentials: () => 'projects:credentials',
  /** String: bumped on every credential change, so caches re-read only after one. */
  version: () => 'projects:version',
} as const;
