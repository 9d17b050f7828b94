import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import { redisErrors } from './create-redis.js';

/** Which part of a script's input has a variable length after its named entries. */
export type LuaVariadic = 'keys' | 'argv' | 'both';

/** What is appended after the named keys and arguments of a variadic script. */
export interface LuaRest {
  keys?: string[];
  argv?: (string | number)[];
}

export interface LuaScriptSpec<K extends string, A extends string, R> {
  /** The `.lua` file beside the defining module. */
  file: string;
  /** The names of KEYS[1], KEYS[2], …, in order; each must appear in its header line. */
  keys: readonly K[];
  /** The names of ARGV[1], ARGV[2], …, in order. */
  argv: readonly A[];
  variadic?: LuaVariadic;
  /** Turns the raw reply into R: the one place that knows the shape of the script's reply. */
  parse?: (raw: unknown) => R;
}

export interface LuaScript<K extends string, A extends string, R> {
  readonly name: string;
  readonly file: string;
  readonly source: string;
  readonly keys: readonly K[];
  readonly argv: readonly A[];
  readonly variadic?: LuaVariadic;
  /** The spec's parse (identity without one), for the replies of queued calls. */
  readonly parse: (raw: unknown) => R;
  /** Runs the script (EVALSHA, EVAL once when the server lost it), keys prefixed as ioredis does. */
  run(redis: Redis, keys: Record<K, string>, argv: Record<A, string | number>, rest?: LuaRest): Promise<R>;
  /**
   * Queues the same call on a pipeline (many calls, one round trip); the raw reply comes from
   * pipeline.exec(), to be given to `parse`.
   */
  queue(
    pipeline: ChainableCommander,
    keys: Record<K, string>,
    argv: Record<A, string | number>,
    rest?: LuaRest,
  ): void;
}

/** Any defined script, for lists of them (a service's scripts, the header check). */
// biome-ignore lint/suspicious/noExplicitAny: the parameter types of run/queue differ per script
export type AnyLuaScript = LuaScript<any, any, unknown>;

type ScriptingFunction = (this: ChainableCommander, ...args: (string | number)[]) => unknown;

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}

/**
 * Defines a script once per module, from the `.lua` file in `dir` (see luaDir): its keys
 * and arguments are named, so a call site passes records instead of a long positional list
 * whose order only the script's header knows. checkLuaHeader verifies that the names and
 * the header agree.
 */
export function defineLuaScript<const K extends string, const A extends string, R = unknown>(
  dir: string,
  spec: LuaScriptSpec<K, A, R>,
): LuaScript<K, A, R> {
  const { file, keys, argv, variadic } = spec;
  const source = readFileSync(`${dir}${sep}${file}`, 'utf8');
  const sha = createHash('sha1').update(source).digest('hex');
  const name = file.replace(/\.lua$/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  // Named after the content, not only the file: two scripts of one name (a service's and a
  // test's) on one client do not replace each other, nor can a script shadow a Redis command.
  const commandName = `lua:${name}:${sha.slice(0, 12)}`;
  const parse = spec.parse ?? ((raw: unknown) => raw as R);
  const variadicKeys = variadic === 'keys' || variadic === 'both';
  const variadicArgv = variadic === 'argv' || variadic === 'both';

  /** [numkeys, ...keys, ...argv] as EVALSHA takes them. */
  function callArgs(
    k: Record<K, string>,
    a: Record<A, string | number>,
    rest?: LuaRest,
  ): (string | number)[] {
    if (rest?.keys?.length && !variadicKeys) {
      throw redisErrors.LUA_CALL_INVALID(`${file}: extra keys given, but its keys are not variadic`);
    }
    if (rest?.argv?.length && !variadicArgv) {
      throw redisErrors.LUA_CALL_INVALID(`${file}: extra arguments given, but its argv is not variadic`);
    }
    const named = (list: readonly string[], values: Record<string, unknown>, what: string) =>
      list.map((n) => {
        const v = values[n];
        // ioredis would send undefined as an empty string, a silently wrong call.
        if (typeof v !== 'string' && typeof v !== 'number') {
          throw redisErrors.LUA_CALL_INVALID(`${file}: no ${what} ${n}`);
        }
        return v;
      });
    const allKeys = [...named(keys, k, 'key'), ...(rest?.keys ?? [])];
    return [allKeys.length, ...allKeys, ...named(argv, a, 'argument'), ...(rest?.argv ?? [])];
  }

  return {
    name,
    file,
    source,
    keys,
    argv,
    ...(variadic ? { variadic } : {}),
    parse,
    async run(redis, k, a, rest) {
      const [numKeys, ...args] = callArgs(k, a, rest) as [number, ...(string | number)[]];
      // Plain EVALSHA/EVAL are ordinary commands: ioredis prefixes their KEYS (it knows where
      // numkeys is) and auto-pipelines them with the handler's other commands.
      let raw: unknown;
      try {
        raw = await redis.evalsha(sha, numKeys, ...args);
      } catch (err) {
        if (!isNoScript(err)) throw err;
        // EVAL also caches the script again, so the next call's EVALSHA finds it.
        raw = await redis.eval(source, numKeys, ...args);
      }
      return parse(raw);
    },
    queue(pipeline, k, a, rest) {
      // A NOSCRIPT inside a pipeline would be one failed reply among many, so queued calls go
      // through ioredis's own script command: EVAL the first time on each connection, EVALSHA
      // after, resent when the server lost it. It is defined on the pipeline's client, whose
      // keyPrefix it applies, exactly as defineCommand always has.
      const client = (pipeline as unknown as { redis?: Redis }).redis;
      if (!client) throw redisErrors.LUA_CALL_INVALID(`${file}: queue() needs a pipeline of a client`);
      const commands = client as unknown as Record<string, ScriptingFunction | undefined>;
      if (typeof commands[commandName] !== 'function') client.defineCommand(commandName, { lua: source });
      (commands[commandName] as ScriptingFunction).call(pipeline, ...callArgs(k, a, rest));
    },
  };
}
