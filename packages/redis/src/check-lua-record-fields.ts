import type { AnyRedisRecord } from './define-record.js';
import { type LuaArgument, type LuaHashCall, luaHashCalls } from './lua-hash-calls.js';
import { redisRecords } from './redis-records.js';

export interface LuaRecordSubject {
  readonly file: string;
  readonly source: string;
}

export interface LuaRecordCheckOptions {
  /** The records to check against (default: every record of this package). */
  records?: readonly AnyRedisRecord[];
  /**
   * Key variables whose key the header cannot tell, variable name -> record name: a variadic
   * script's `local ek = KEYS[k + 1 + 2 * i]` is an event key only by what its header says
   * in words.
   */
  keyVariables?: Readonly<Record<string, string>>;
}

/** KEYS[n] -> the key as the header names it (its first word: `job:{id}`). */
function headerKeys(source: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of source.split('\n')) {
    if (!line.startsWith('--')) break;
    const m = /^--\s*KEYS\[(\d+)\]\s+(\S+)/.exec(line);
    if (m) out.set(Number(m[1]), m[2] ?? '');
  }
  return out;
}

/** `local a, b = KEYS[1], KEYS[2]`: each local name -> the expression assigned to it. */
function localAliases(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/^\s*local\s+([\w\s,]+?)\s*=\s*([^\n]+)$/gm)) {
    const names = (m[1] ?? '').split(',').map((n) => n.trim());
    const values = (m[2] ?? '').split(',').map((v) => v.trim());
    names.forEach((n, i) => {
      const value = values[i];
      if (value !== undefined) out.set(n, value);
    });
  }
  return out;
}

/** One field (or field expression) a hash command names on a record's key. */
export interface LuaRecordFieldUse {
  record: AnyRedisRecord;
  call: LuaHashCall;
  field: LuaArgument;
}

/**
 * Every field a script's hash commands name on a record's key. A record's key is a `KEYS[n]`
 * whose header line names it as the record's `headerKey` matches, directly or through a
 * `local` alias, or a variable of `keyVariables`. Calls on other keys (counters, buffers) are
 * not records' and not listed.
 */
export function luaRecordFieldUses(
  script: LuaRecordSubject,
  options: LuaRecordCheckOptions = {},
): LuaRecordFieldUse[] {
  const records = options.records ?? redisRecords;
  const header = headerKeys(script.source);
  const aliases = localAliases(script.source);
  const byName = new Map(records.map((r) => [r.name, r]));

  function recordOf(key: string): AnyRedisRecord | undefined {
    const named = options.keyVariables?.[key];
    if (named !== undefined) return byName.get(named);
    const n = /^KEYS\[(\d+)\]$/.exec(aliases.get(key) ?? key)?.[1];
    const described = n === undefined ? undefined : header.get(Number(n));
    return described === undefined ? undefined : records.find((r) => r.headerKey.test(described));
  }

  return luaHashCalls(script.source).flatMap((call) => {
    const record = recordOf(call.key);
    return record ? call.fields.map((field) => ({ record, call, field })) : [];
  });
}

/**
 * How a script disagrees with the records' schemas, one message per field (none when it
 * agrees): every field a hash command names on a record's key must be a field of that
 * record, and be named by a string literal (a record's fields are fixed; a field named by
 * ARGV or a variable cannot be checked).
 */
export function checkLuaRecordFields(
  script: LuaRecordSubject,
  options: LuaRecordCheckOptions = {},
): string[] {
  return luaRecordFieldUses(script, options).flatMap(({ record, call, field }) => {
    const at = `${script.file}:${call.line}: ${call.command} ${call.key} (the ${record.name} record)`;
    if (!('literal' in field)) return [`${at} names a field by \`${field.expression}\`, not literally`];
    return record.fields.includes(field.literal)
      ? []
      : [`${at} names ${field.literal}, which is not a field of its schema`];
  });
}
