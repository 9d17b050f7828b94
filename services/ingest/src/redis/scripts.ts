import { luaDir, readLuaScript } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The ingest's Redis scripts, read once at start-up from the `.lua` files beside this one. */
export const rateLimitScript = readLuaScript(dir, 'rate-limit.lua');
