import { type AnyLuaScript, defineLuaScript, luaDir } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** One admission decision of rate-limit.lua, per item in item order. */
export interface AdmissionReply {
  allowed: boolean;
  /** Room left in the item's user window after it. */
  remaining: number;
  /** ms until the item could pass; 0 when allowed. */
  retryAfterMs: number;
  /** 0 admitted, 1 refused by the user's window, 2 by the project's quota, 3 admitted over it (shadow). */
  verdict: number;
}

/** The script answers four integers per item, flat; this is the one place that knows it. */
function parseAdmission(raw: unknown): AdmissionReply[] {
  const flat = raw as number[];
  const out: AdmissionReply[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    out.push({
      allowed: flat[i] === 1,
      remaining: flat[i + 1] ?? 0,
      retryAfterMs: flat[i + 2] ?? 0,
      verdict: flat[i + 3] ?? 0,
    });
  }
  return out;
}

/**
 * Admission of a request: its users' windows and its projects' quotas. All keys are variable
 * (the users, then two per project); after the named arguments come each project's quota
 * numbers, then a triple per item (see the script's header).
 */
export const rateLimitScript = defineLuaScript(dir, {
  file: 'rate-limit.lua',
  keys: [],
  argv: ['now', 'window', 'limit', 'userCount', 'projectCount', 'usageTtl'],
  variadic: 'both',
  parse: parseAdmission,
});

/** Every script of the ingest, for the header check. */
export const ingestScripts: readonly AnyLuaScript[] = [rateLimitScript];
