/**
 * Every Redis key of crash reports. All of a project's keys share the hash tag `{projectId}`
 * so that a project's multi-key scripts stay on one slot if Redis is ever clustered; the
 * `crash:` prefix keeps them apart from the pipeline's `event:*` hashes.
 */
const p = (projectId: string) => `crash:{${projectId}}`;

export type IssueStatus = 'open' | 'resolved' | 'ignored';
export type IssueSort = 'last' | 'count';

export const crashKeys = {
  /** Hash: error, warning, info, invalid, total. */
  stats: (projectId: string) => `${p(projectId)}:stats`,
  /** Hash: custom counter name -> count. */
  customCounts: (projectId: string) => `${p(projectId)}:custom`,
  /** Hash: custom counter name -> definition JSON. */
  counterDefs: (projectId: string) => `${p(projectId)}:counters`,
  /** String: set when a crash's effects were applied; makes the apply idempotent. */
  applied: (projectId: string, eventId: string) => `${p(projectId)}:applied:${eventId}`,
  /** Hash: the stored crash with its issue and event number; fields: crashRecord's (crash-record.ts). */
  event: (projectId: string, eventId: string) => `${p(projectId)}:event:${eventId}`,
  /** Hash: fingerprint -> issue number. */
  fingerprints: (projectId: string) => `${p(projectId)}:fingerprints`,
  /** String: the last issue number handed out. */
  issueSeq: (projectId: string) => `${p(projectId)}:issue-seq`,
  /** Hash: one issue; its fields are issueRecord's (issue-record.ts). */
  issue: (projectId: string, n: number) => `${p(projectId)}:issue:${n}`,
  /** ZSet: eventId scored by its event number within the issue. */
  issueEvents: (projectId: string, n: number) => `${p(projectId)}:issue:${n}:events`,
  /** ZSet: issue numbers scored by last seen (ms) or count, for all issues or one status. */
  issueIndex: (projectId: string, status: IssueStatus | 'all', sort: IssueSort) =>
    `${p(projectId)}:issues:${status}:${sort}`,
  /** ZSet: eventIds whose message contains the word, scored by received time (ms). */
  searchWord: (projectId: string, word: string) => `${p(projectId)}:search:${word}`,
  /**
   * Hash: severity -> crashes received in one bucket of a series (`minute` or `hour`, the
   * bucket's start in ms; see @evh/crashes crash-series.ts), expiring with the bucket.
   */
  series: (projectId: string, resolution: 'minute' | 'hour', bucketStartMs: number) =>
    `${p(projectId)}:series:${resolution}:${bucketStartMs}`,
  /** A scratch key for one search's intersection, deleted by the same script. */
  searchScratch: (projectId: string, token: string) => `${p(projectId)}:search-tmp:${token}`,
} as const;

export const ISSUE_STATUSES: readonly IssueStatus[] = ['open', 'resolved', 'ignored'];

/**
 * The per-status issue indexes of a project, named as the scripts that move issues between
 * them name their keys (apply-crash.lua, set-issue-status.lua).
 */
export function issueStatusIndexKeys(projectId: string) {
  const index = (status: IssueStatus, sort: IssueSort) => crashKeys.issueIndex(projectId, status, sort);
  return {
    openLast: index('open', 'last'),
    openCount: index('open', 'count'),
    resolvedLast: index('resolved', 'last'),
    resolvedCount: index('resolved', 'count'),
    ignoredLast: index('ignored', 'last'),
    ignoredCount: index('ignored', 'count'),
  };
}
