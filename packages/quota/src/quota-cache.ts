import { createPeriodicTask } from '@evh/lifecycle';
import type { Redis } from '@evh/redis';
import { type EffectiveQuota, parseQuota } from './effective-quota.js';
import { quotaKeys } from './quota-keys.js';

/** The quota that applies to a project: its own, else the default, else none (unlimited). */
export interface QuotaLookup {
  get(projectId: string): EffectiveQuota | undefined;
}

export interface QuotaTable {
  byProject: Map<string, EffectiveQuota>;
  defaultQuota: EffectiveQuota | undefined;
  /** Projects whose stored quota does not parse: ignored, and said once in the log. */
  invalid: string[];
}

export function quotaTable(entries: Record<string, string>, defaultRaw: string | null): QuotaTable {
  const byProject = new Map<string, EffectiveQuota>();
  const invalid: string[] = [];
  for (const [projectId, raw] of Object.entries(entries)) {
    const quota = parseQuota(raw);
    if (quota) byProject.set(projectId, quota);
    else invalid.push(projectId);
  }
  const defaultQuota = parseQuota(defaultRaw);
  if (defaultRaw && !defaultQuota) invalid.push('(default)');
  return { byProject, defaultQuota, invalid };
}

export function lookupQuota(table: QuotaTable, projectId: string): EffectiveQuota | undefined {
  return table.byProject.get(projectId) ?? table.defaultQuota;
}

export interface QuotaCache extends QuotaLookup {
  /** Loads the table once (so the first request already sees it), then refreshes it every refreshMs. */
  start(): Promise<void>;
  /** Re-reads now if the version changed. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export interface QuotaCacheOptions {
  /** A change in Redis applies within about this long. */
  refreshMs: number;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * A local copy of every quota, so a request costs no Redis round trip to find its quota.
 * Each refresh reads one counter; the table is read again only when the counter moved.
 */
export function createQuotaCache(redis: Redis, options: QuotaCacheOptions): QuotaCache {
  let table: QuotaTable = { byProject: new Map(), defaultQuota: undefined, invalid: [] };
  let seenVersion: string | null | undefined;
  const warned = new Set<string>();

  async function refresh(): Promise<void> {
    const version = await redis.get(quotaKeys.version());
    if (seenVersion !== undefined && version === seenVersion) return;
    const [entries, defaultRaw] = await Promise.all([
      redis.hgetall(quotaKeys.effective()),
      redis.get(quotaKeys.defaultQuota()),
    ]);
    table = quotaTable(entries, defaultRaw);
    seenVersion = version;
    for (const projectId of table.invalid) {
      if (warned.has(projectId)) continue;
      warned.add(projectId);
      options.logger?.warn({ projectId }, 'stored quota does not parse; ignored');
    }
  }

  const loop = createPeriodicTask({
    intervalMs: options.refreshMs,
    run: refresh,
    onError: (err) => options.logger?.warn({ err }, 'refreshing quotas failed; keeping the last'),
  });

  return {
    get: (projectId) => lookupQuota(table, projectId),
    refresh,
    async start() {
      await refresh();
      loop.start();
    },
    stop: () => loop.stop(),
  };
}
