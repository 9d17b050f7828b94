/** Looks a fingerprint's issue number up in Redis, numbering it when it is new (open-issue.lua). */
export type OpenIssue = (projectId: string, fingerprint: string) => Promise<number>;

export interface IssueNumbers {
  /** The fingerprint's issue number: remembered, or asked of Redis once. */
  get(projectId: string, fingerprint: string): Promise<number>;
  /** Asks Redis again (the number remembered was not the one Redis holds). */
  refresh(projectId: string, fingerprint: string): Promise<number>;
  readonly size: number;
}

/**
 * The issue number of each fingerprint, remembered: once a fingerprint is numbered, Redis
 * never changes its number, so a crash of a known issue costs no round trip for it. The
 * number is still checked where it is used (apply-crash.lua compares it with the
 * fingerprints hash): one Redis lost or replaced under us is caught there, and refreshed.
 * At most `max` fingerprints are kept, the oldest forgotten first.
 */
export function createIssueNumbers(open: OpenIssue, max = 10_000): IssueNumbers {
  const known = new Map<string, number>();

  async function refresh(projectId: string, fingerprint: string): Promise<number> {
    const key = `${projectId}\n${fingerprint}`;
    known.delete(key);
    const n = await open(projectId, fingerprint);
    if (known.size >= max) {
      const oldest = known.keys().next();
      if (!oldest.done) known.delete(oldest.value);
    }
    known.set(key, n);
    return n;
  }

  return {
    async get(projectId, fingerprint) {
      return known.get(`${projectId}\n${fingerprint}`) ?? refresh(projectId, fingerprint);
    },
    refresh,
    get size() {
      return known.size;
    },
  };
}
