import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/** A script as readLuaScript reads it (the older API, until every call site uses defineLuaScript). */
export interface LuaScriptFile {
  name: string;
  numberOfKeys: number;
  lua: string;
}

/**
 * Reads a `.lua` file whose header declares its keys, e.g.
 *
 *   -- KEYS[1] event:{id}
 *   -- KEYS[2] dedup:{id}
 *   -- ARGV[1] now (ms)
 *   -- returns 1 when ...
 *
 * The number of keys is taken from the header so it cannot drift from the script.
 * A script with a variable number of keys says `-- KEYS: variable` and is called with the
 * count as its first argument by ioredis (numberOfKeys left undefined).
 */
export function readLuaScript(dir: string, file: string): LuaScriptFile {
  const lua = readFileSync(`${dir}${sep}${file}`, 'utf8');
  // The header is the leading run of comment lines; KEYS mentioned further down do not count.
  const lines = lua.split('\n');
  const end = lines.findIndex((l) => !l.startsWith('--'));
  const header = lines.slice(0, end === -1 ? lines.length : end).join('\n');
  const variable = /^--\s*KEYS:\s*variable/m.test(header);
  const indexes = [...header.matchAll(/^--\s*KEYS\[(\d+)\]/gm)].map((m) => Number(m[1]));
  if (!variable && indexes.length === 0) throw new Error(`${file}: header lists no KEYS`);
  return {
    name: file.replace(/\.lua$/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
    numberOfKeys: variable ? -1 : Math.max(...indexes),
    lua,
  };
}

/**
 * The folder of the `.lua` files next to a compiled module: scripts are not compiled, so
 * `dist/src/redis` maps back to `src/redis`.
 */
export function luaDir(moduleUrl: string): string {
  return fileURLToPath(new URL('.', moduleUrl)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
}

/** Registers each script with defineCommand (EVALSHA, falling back to EVAL once). */
export function defineScripts(redis: Redis, scripts: LuaScriptFile[]): void {
  for (const s of scripts) {
    redis.defineCommand(
      s.name,
      s.numberOfKeys >= 0 ? { numberOfKeys: s.numberOfKeys, lua: s.lua } : { lua: s.lua },
    );
  }
}
