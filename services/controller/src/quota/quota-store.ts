import { type EffectiveQuota, lastMinuteEstimate, minuteOf, quotaKeys, serializeQuota } from '@evh/quota';
import type { Redis } from '@evh/redis';
import { controllerErrors } from '../errors.js';
import {
  removeQuotaScript,
  type SetQuotaReply,
  setDefaultQuotaScript,
  setQuotaScript,
} from '../redis/scripts.js';
import type { Usage } from './quota-decision.js';

export type ApplyResult = SetQuotaReply;

/** The controller's side of the quotas in Redis: the ingest and the consumer read what this writes. */
export interface QuotaStore {
  apply(resourceKey: string, projectId: string, quota: EffectiveQuota): Promise<ApplyResult>;
  /** Returns the project the resource owned, if any. */
  remove(resourceKey: string): Promise<string | undefined>;
  setDefault(quota: EffectiveQuota | undefined): Promise<boolean>;
  /** Resource keys (namespace/name) that own a quota, for finding resources deleted while no one watched. */
  owners(): Promise<string[]>;
  usage(projectId: string, now: number): Promise<Usage>;
}

/** A script's failure as the controller reports it: the quota could not be synced to Redis. */
async function synced<T>(name: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw controllerErrors.QUOTA_SYNC_FAILED(`redis ${name}: ${(err as Error).message}`, { cause: err });
  }
}

export function createQuotaStore(redis: Redis): QuotaStore {
  const tables = {
    effective: quotaKeys.effective(),
    owners: quotaKeys.owners(),
    version: quotaKeys.version(),
  };

  return {
    async apply(resourceKey, projectId, quota) {
      const argv = { resourceKey, projectId, quota: serializeQuota(quota) };
      return synced(setQuotaScript.name, setQuotaScript.run(redis, tables, argv));
    },
    async remove(resourceKey) {
      return synced(removeQuotaScript.name, removeQuotaScript.run(redis, tables, { resourceKey }));
    },
    async setDefault(quota) {
      const keys = { defaultQuota: quotaKeys.defaultQuota(), version: quotaKeys.version() };
      const argv = { quota: quota ? serializeQuota(quota) : '' };
      return synced(setDefaultQuotaScript.name, setDefaultQuotaScript.run(redis, keys, argv));
    },
    async owners() {
      return redis.hkeys(quotaKeys.owners());
    },
    async usage(projectId, now) {
      const minute = minuteOf(now);
      const [current, previous] = await Promise.all([
        redis.hmget(quotaKeys.usage(projectId, minute), 'accepted', 'throttled'),
        redis.hmget(quotaKeys.usage(projectId, minute - 1), 'accepted', 'throttled'),
      ]);
      const n = (v: string | null | undefined) => Number(v ?? 0);
      return {
        accepted: lastMinuteEstimate(n(current[0]), n(previous[0]), now),
        throttled: lastMinuteEstimate(n(current[1]), n(previous[1]), now),
      };
    },
  };
}
