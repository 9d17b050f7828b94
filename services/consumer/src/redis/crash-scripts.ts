import { type AnyLuaScript, defineLuaScript, luaDir } from '@evh/redis';

const dir = luaDir(import.meta.url);

/**
 * The issue number of a fingerprint, numbering new ones without gaps however many consumers race;
 * the consumer remembers the answers (crashes/issue-numbers.ts).
 */
export const openIssueScript = defineLuaScript(dir, {
  file: 'open-issue.lua',
  keys: ['fingerprints', 'issueSeq'],
  argv: ['fingerprint'],
  parse: Number,
});

/**
 * Applies one valid crash once, unless the issue number given is not its fingerprint's (then
 * stale, and nothing is written). After the named keys come the search index of each word of
 * its message; after the named arguments, the names of the custom counters it matches.
 */
export const applyCrashScript = defineLuaScript(dir, {
  file: 'apply-crash.lua',
  keys: [
    'applied',
    'stats',
    'custom',
    'event',
    'issue',
    'events',
    'allLast',
    'allCount',
    // As issueStatusIndexKeys names them.
    'openLast',
    'openCount',
    'resolvedLast',
    'resolvedCount',
    'ignoredLast',
    'ignoredCount',
    'minuteBucket',
    'hourBucket',
    'fingerprints',
  ],
  argv: [
    'eventId',
    'issueNumber',
    'severity',
    'receivedAt',
    'retention',
    'fingerprint',
    'title',
    'culprit',
    'crashJson',
    'minuteExpiresAt',
    'hourExpiresAt',
    'matchedCount',
  ],
  variadic: 'both',
  parse: (raw) => {
    const [eventNumber, now] = raw as [number, number];
    if (now === -1) return { stale: true } as const;
    return { stale: false, eventNumber: Number(eventNumber), appliedNow: now === 1 } as const;
  },
});

/** Counts one invalid crash payload once; true when counted by this call. */
export const countInvalidCrashScript = defineLuaScript(dir, {
  file: 'count-invalid-crash.lua',
  keys: ['applied', 'stats'],
  argv: ['retention'],
  parse: (raw) => Number(raw) === 1,
});

/** The crash scripts of the consumer, for the header check. */
export const crashLuaScripts: readonly AnyLuaScript[] = [
  openIssueScript,
  applyCrashScript,
  countInvalidCrashScript,
];
