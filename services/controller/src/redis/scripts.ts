import { type AnyLuaScript, defineLuaScript, luaDir } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The three tables every quota script keeps consistent (see @evh/quota's quotaKeys). */
const tables = ['effective', 'owners', 'version'] as const;

export type SetQuotaReply = { result: 'written' | 'unchanged' } | { result: 'conflict'; owner: string };

/** Writes one ProjectQuota resource's effective quota, unless another resource owns the project. */
export const setQuotaScript = defineLuaScript(dir, {
  file: 'set-quota.lua',
  keys: tables,
  argv: ['resourceKey', 'projectId', 'quota'],
  parse: (raw): SetQuotaReply => {
    const [code, owner] = raw as [number, string];
    if (code === -1) return { result: 'conflict', owner };
    return { result: code === 1 ? 'written' : 'unchanged' };
  },
});

/** Removes what a deleted resource wrote; answers the project it owned, if any. */
export const removeQuotaScript = defineLuaScript(dir, {
  file: 'remove-quota.lua',
  keys: tables,
  argv: ['resourceKey'],
  // Lua's false arrives as null.
  parse: (raw) => (typeof raw === 'string' ? raw : undefined),
});

/** Sets or clears the quota of projects without a resource; answers whether it changed. */
export const setDefaultQuotaScript = defineLuaScript(dir, {
  file: 'set-default-quota.lua',
  keys: ['defaultQuota', 'version'],
  argv: ['quota'],
  parse: (raw) => raw === 1,
});

/** Every script of the controller, for the header check. */
export const controllerScripts: readonly AnyLuaScript[] = [
  setQuotaScript,
  removeQuotaScript,
  setDefaultQuotaScript,
];
