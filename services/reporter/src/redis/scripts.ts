import { luaDir, readLuaScript } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The reporter's Redis scripts, read once from the `.lua` files beside this module. */
export const reporterScripts = [
  readLuaScript(dir, 'search-crashes.lua'),
  readLuaScript(dir, 'set-issue-status.lua'),
  readLuaScript(dir, 'put-counter.lua'),
  readLuaScript(dir, 'delete-counter.lua'),
];
