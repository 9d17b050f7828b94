/** One argument of a Lua call: a string literal, or any other expression as written. */
export type LuaArgument = { literal: string } | { expression: string };

/** A hash command a script sends, with the fields it names. */
export interface LuaHashCall {
  /** Uppercased: HSET, HGET, HMGET, … */
  command: string;
  /** The key expression as written: `KEYS[2]`, `ek`. */
  key: string;
  fields: LuaArgument[];
  /** 1-based line of the call in the script. */
  line: number;
}

/** Which arguments after the key are field names, per hash command. */
const FIELD_ARGS: Record<string, (args: LuaArgument[]) => LuaArgument[]> = {
  HSET: (a) => a.filter((_, i) => i % 2 === 0),
  HMSET: (a) => a.filter((_, i) => i % 2 === 0),
  HSETNX: (a) => a.slice(0, 1),
  HINCRBY: (a) => a.slice(0, 1),
  HINCRBYFLOAT: (a) => a.slice(0, 1),
  HGET: (a) => a,
  HMGET: (a) => a,
  HDEL: (a) => a,
  HEXISTS: (a) => a,
  HSTRLEN: (a) => a,
  HGETALL: () => [],
  HLEN: () => [],
  HKEYS: () => [],
  HVALS: () => [],
};

function argument(text: string): LuaArgument {
  const t = text.trim();
  const m = /^'([^'\\]*)'$|^"([^"\\]*)"$/.exec(t);
  return m ? { literal: m[1] ?? m[2] ?? '' } : { expression: t };
}

/** Where the string literal or comment starting at `i` ends (the index after it), or `i` for neither. */
function skipQuotedOrComment(source: string, i: number): number {
  const c = source[i];
  if (c === '-' && source[i + 1] === '-') {
    const eol = source.indexOf('\n', i);
    return eol === -1 ? source.length : eol;
  }
  if (c !== "'" && c !== '"') return i;
  for (let j = i + 1; j < source.length; j++) {
    if (source[j] === '\\') j++;
    else if (source[j] === c) return j + 1;
  }
  return source.length;
}

/**
 * The arguments of the call whose `(` is just before `start`, split at its top-level commas;
 * strings and comments are skipped whole, so a comma or a bracket inside them does not count.
 */
function callArguments(source: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  // The current argument is `kept` (its text before any comment) and source[from, i).
  let kept = '';
  let from = start;
  let i = start;
  while (i < source.length) {
    const skipped = skipQuotedOrComment(source, i);
    if (skipped > i && source[i] === '-') {
      kept += `${source.slice(from, i)} `;
      from = skipped;
    }
    if (skipped > i) {
      i = skipped;
      continue;
    }
    const c = source[i] as string;
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && depth-- === 0) break;
    else if (c === ',' && depth === 0) {
      args.push(kept + source.slice(from, i));
      kept = '';
      from = i + 1;
    }
    i++;
  }
  args.push(kept + source.slice(from, i));
  return args;
}

/**
 * Every `redis.call` / `redis.pcall` of a hash command in a script, with the key and the
 * fields it names. A command named by anything but a string literal is not found (no script
 * of ours does that).
 */
export function luaHashCalls(source: string): LuaHashCall[] {
  const out: LuaHashCall[] = [];
  for (const m of source.matchAll(/redis\.p?call\s*\(/g)) {
    const [command, key, ...rest] = callArguments(source, m.index + m[0].length).map(argument);
    if (!command || !('literal' in command) || !key) continue;
    const name = command.literal.toUpperCase();
    const fieldsOf = FIELD_ARGS[name];
    if (!fieldsOf) continue;
    out.push({
      command: name,
      key: 'literal' in key ? `'${key.literal}'` : key.expression,
      fields: fieldsOf(rest),
      line: source.slice(0, m.index).split('\n').length,
    });
  }
  return out;
}
