import { luaDir, readLuaScript } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The controller's Redis scripts, read once at start-up from the `.lua` files beside this one. */
export const setQuotaScript = readLuaScript(dir, 'set-quota.lua');
export const removeQuotaScript = readLuaScript(dir, 'remove-quota.lua');
export const setDefaultQuotaScript = readLuaScript(dir, 'set-default-quota.lua');
export const controllerScripts = [setQuotaScript, removeQuotaScript, setDefaultQuotaScript];
