import { type EffectiveQuota, lastMinuteEstimate, minuteOf, quotaKeys, serializeQuota } from '@evh/quota';
import { defineScripts, type Redis } from '@evh/redis';
import { controllerErrors } from '../errors.js';
import { removeQuotaScript, setDefaultQuotaScript, setQuotaScript } from '../redis/scripts.js';
import type { Usage } from './quota-decision.js';

export type ApplyResult = { result: 'written' | 'unchanged' } | { result: 'conflict'; owner: string };

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

type Command = (...args: (string | number)[]) => Promise<unknown>;

export function createQuotaStore(redis: Redis): QuotaStore {
  defineScripts(redis, [setQuotaScript, removeQuotaScript, setDefaultQuotaScript]);
  const command = (name: string) => {
    const fn = (redis as unknown as Record<string, Command>)[name] as Command;
    return (...args: (string | number)[]) =>
      fn.call(redis, ...args).catch((err: unknown) => {
        throw controllerErrors.QUOTA_SYNC_FAILED(`redis ${name}: ${(err as Error).message}`, { cause: err });
      });
  };
  const setQuota = command(setQuotaScript.name);
  const removeQuota = command(removeQuotaScript.name);
  const setDefaultQuota = command(setDefaultQuotaScript.name);
  const tables = [quotaKeys.effective(), quotaKeys.owners(), quotaKeys.version()] as const;

  return {
    async apply(resourceKey, projectId, quota) {
      const [code, owner] = (await setQuota(...tables, resourceKey, projectId, serializeQuota(quota))) as [
        number,
        string,
      ];
      if (code === -1) return { result: 'conflict', owner };
      return { result: code === 1 ? 'written' : 'unchanged' };
    },
    async remove(resourceKey) {
      const project = await removeQuota(...tables, resourceKey);
      return typeof project === 'string' ? project : undefined;
    },
    async setDefault(quota) {
      const changed = await setDefaultQuota(
        quotaKeys.defaultQuota(),
        quotaKeys.version(),
        quota ? serializeQuota(quota) : '',
      );
      return changed === 1;
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
