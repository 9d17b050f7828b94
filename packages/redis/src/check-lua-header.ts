import type { LuaVariadic } from './define-lua-script.js';

/** The part of a LuaScript the header check reads; any LuaScript is one. */
export interface LuaHeaderSubject {
  readonly file: string;
  readonly source: string;
  readonly keys: readonly string[];
  readonly argv: readonly string[];
  readonly variadic?: LuaVariadic;
}

interface HeaderLine {
  /** What stands between the brackets: `3`, `15…`, `1..U`, `U+2p-1`. */
  index: string;
  description: string;
}

/** Lowercase letters and digits only, so `lockToken` and `lock token (ms)` compare. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The leading run of comment lines: KEYS or ARGV mentioned further down do not count. */
function headerOf(source: string): string[] {
  const lines = source.split('\n');
  const end = lines.findIndex((l) => !l.startsWith('--'));
  return lines.slice(0, end === -1 ? lines.length : end);
}

function linesOf(header: string[], kind: 'KEYS' | 'ARGV'): HeaderLine[] {
  const pattern = new RegExp(`^--\\s*${kind}\\[([^\\]]*)\\]\\s*(.*)$`);
  return header.flatMap((line) => {
    const m = pattern.exec(line);
    return m ? [{ index: m[1] ?? '', description: (m[2] ?? '').trim() }] : [];
  });
}

/** The mismatches between one kind's header lines and the spec's names for it. */
function compare(kind: 'KEYS' | 'ARGV', lines: HeaderLine[], names: readonly string[], variadic: boolean) {
  const out: string[] = [];
  names.forEach((name, i) => {
    const n = i + 1;
    const line = lines[i];
    if (!line) {
      out.push(`${kind}[${n}] ${name} has no header line`);
    } else if (line.index !== String(n)) {
      out.push(`${kind}[${n}] ${name}: the header's line ${i + 1} is ${kind}[${line.index}]`);
    } else if (!normalize(line.description).includes(normalize(name))) {
      out.push(`${kind}[${n}] should name ${name}, the header says "${line.description}"`);
    }
  });
  const extra = lines.slice(names.length);
  if (variadic && extra.length === 0) {
    out.push(
      `${kind} is variadic, but no header line after ${kind}[${names.length}] documents the variable part`,
    );
  }
  if (!variadic) {
    for (const line of extra) {
      out.push(`${kind}[${line.index}] is in the header, but the spec names ${names.length} ${kind}`);
    }
  }
  return out;
}

/**
 * How a script's header disagrees with the names its call sites use, one message each (none
 * when they agree). Header lines `-- KEYS[n] …` and `-- ARGV[n] …` are matched in order to
 * the spec's keys and argv: the n-th line must be numbered n and mention the n-th name
 * (compared lowercased, letters and digits only). A variadic part needs the named lines plus
 * at least one line documenting what follows them; a fixed part needs exactly its named
 * lines. The header also says what the script returns.
 */
export function checkLuaHeader(script: LuaHeaderSubject): string[] {
  const header = headerOf(script.source);
  const variadicKeys = script.variadic === 'keys' || script.variadic === 'both';
  const variadicArgv = script.variadic === 'argv' || script.variadic === 'both';
  const mismatches = [
    ...compare('KEYS', linesOf(header, 'KEYS'), script.keys, variadicKeys),
    ...compare('ARGV', linesOf(header, 'ARGV'), script.argv, variadicArgv),
  ];
  if (!variadicKeys && header.some((l) => /^--\s*KEYS:\s*variable/.test(l))) {
    mismatches.push('the header says `KEYS: variable`, but the spec does not make its keys variadic');
  }
  if (!header.some((l) => /^--\s*returns\b/.test(l))) mismatches.push('the header has no `-- returns` line');
  return mismatches.map((m) => `${script.file}: ${m}`);
}
