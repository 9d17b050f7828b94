import { minuteOf, type QuotaLookup, quotaKeys } from '@evh/quota';

export type ProjectVerdict = 'accepted' | 'throttled' | 'shadow_throttled';

export interface ProjectArgs {
  /** Two keys per distinct project with a quota: its bucket and this minute's usage. */
  keys: string[];
  /** The number of distinct projects with a quota. */
  count: number;
  /** eventsPerSecond, burst, enforce (1 | 0) per project, in the order of `keys`. */
  records: number[];
  /** Per item: the 1-based index of its project in the script's arguments, 0 for none. */
  indexes: number[];
}

/**
 * The project part of the admission script's arguments (rate-limit.lua). Items of the same
 * project share its bucket; a project without a quota (none of its own, no default) is
 * left out and its items are only user-limited.
 */
export function projectArgs(
  projectIds: readonly (string | undefined)[],
  quotas: QuotaLookup | undefined,
  now: number,
): ProjectArgs {
  const index = new Map<string, number>();
  const keys: string[] = [];
  const records: number[] = [];
  const minute = minuteOf(now);
  const indexes = projectIds.map((id) => {
    if (!id || !quotas) return 0;
    const known = index.get(id);
    if (known !== undefined) return known;
    const quota = quotas.get(id);
    const i = quota ? records.length / 3 + 1 : 0;
    index.set(id, i);
    if (quota) {
      keys.push(quotaKeys.bucket(id), quotaKeys.usage(id, minute));
      records.push(quota.eventsPerSecond, quota.burst, quota.mode === 'enforce' ? 1 : 0);
    }
    return i;
  });
  return { keys, count: records.length / 3, records, indexes };
}

/** The script's fourth number per item: what admitted or refused it. */
export function verdictOf(code: number): { scope?: 'user' | 'project'; verdict?: ProjectVerdict } {
  switch (code) {
    case 1:
      return { scope: 'user' };
    case 2:
      return { scope: 'project', verdict: 'throttled' };
    case 3:
      return { verdict: 'shadow_throttled' };
    default:
      return { verdict: 'accepted' };
  }
}
