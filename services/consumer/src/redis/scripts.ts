import { luaDir, readLuaScript } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The consumer's Redis scripts, read once from the `.lua` files beside this module. */
export const consumerScripts = [
  readLuaScript(dir, 'begin-event.lua'),
  readLuaScript(dir, 'finalize-event.lua'),
  readLuaScript(dir, 'release-waiting.lua'),
  readLuaScript(dir, 'unlock-event.lua'),
  readLuaScript(dir, 'renew-locks.lua'),
];

export const crashScripts = [
  readLuaScript(dir, 'open-issue.lua'),
  readLuaScript(dir, 'apply-crash.lua'),
  readLuaScript(dir, 'count-invalid-crash.lua'),
];

export const jobScripts = [
  readLuaScript(dir, 'apply-log-chunk.lua'),
  readLuaScript(dir, 'apply-log-line.lua'),
  readLuaScript(dir, 'finish-reading.lua'),
  readLuaScript(dir, 'start-job.lua'),
  readLuaScript(dir, 'fail-job.lua'),
];
