import { type AnyLuaScript, defineLuaScript, luaDir } from '@evh/redis';

const dir = luaDir(new URL('./redis/', import.meta.url).href);

/** A project and its first key; the number, or 'exists'. */
export const createProjectScript = defineLuaScript(dir, {
  file: 'create-project.lua',
  keys: ['seq', 'byNumber', 'index', 'meta', 'keys', 'credentials', 'version'],
  argv: ['projectId', 'name', 'now', 'keyId', 'keyJson', 'ingestHash', 'readHash'],
  parse: (raw): number | 'exists' => (Number(raw) < 0 ? 'exists' : Number(raw)),
});

/** A new key; the older ones end at the grace end. The number, or undefined for no project. */
export const rotateKeysScript = defineLuaScript(dir, {
  file: 'rotate-keys.lua',
  keys: ['meta', 'keys', 'credentials', 'version'],
  argv: ['keyId', 'keyJson', 'ingestHash', 'readHash', 'now', 'graceEnd'],
  parse: (raw) => (Number(raw) > 0 ? Number(raw) : undefined),
});

/** Revokes a key at once; true when the project had it. */
export const revokeKeyScript = defineLuaScript(dir, {
  file: 'revoke-key.lua',
  keys: ['keys', 'credentials', 'version'],
  argv: ['keyId'],
  parse: (raw) => Number(raw) === 1,
});

/** Renames a project; true when it exists. */
export const renameProjectScript = defineLuaScript(dir, {
  file: 'rename-project.lua',
  keys: ['meta'],
  argv: ['name', 'now'],
  parse: (raw) => Number(raw) === 1,
});

export const projectScripts: readonly AnyLuaScript[] = [
  createProjectScript,
  rotateKeysScript,
  revokeKeyScript,
  renameProjectScript,
];
