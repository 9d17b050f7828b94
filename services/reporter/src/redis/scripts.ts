import { type AnyLuaScript, defineLuaScript, luaDir } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The six per-status issue indexes, as issueStatusIndexKeys names them. */
const statusIndexes = [
  'openLast',
  'openCount',
  'resolvedLast',
  'resolvedCount',
  'ignoredLast',
  'ignoredCount',
] as const;

/**
 * One page of the crashes whose message has every query word. The keys after the scratch
 * key are the words' indexes, then the issue's events when the search is for one issue.
 */
export const searchCrashesScript = defineLuaScript(dir, {
  file: 'search-crashes.lua',
  keys: ['scratch'],
  argv: ['offset', 'limit', 'oneIssue'],
  variadic: 'keys',
  parse: (raw) => {
    const [total, ...ids] = raw as [number, ...string[]];
    return { total: Number(total), ids };
  },
});

/** Moves an issue to a status and between the per-status indexes. */
export const setIssueStatusScript = defineLuaScript(dir, {
  file: 'set-issue-status.lua',
  keys: ['issue', ...statusIndexes],
  argv: ['issueNumber', 'status', 'now'],
  parse: (raw) => (['missing', 'changed', 'unchanged'] as const)[Number(raw)] ?? 'missing',
});

export type PutCounterResult = 'created' | 'replaced' | 'unchanged' | 'too_many';

/** Defines or replaces a custom counter, within the project's limit. */
export const putCounterScript = defineLuaScript(dir, {
  file: 'put-counter.lua',
  keys: ['counters', 'custom'],
  argv: ['name', 'definition', 'maxCounters'],
  parse: (raw): PutCounterResult => {
    const r = Number(raw);
    if (r === 1) return 'created';
    if (r === 2) return 'replaced';
    return r === 3 ? 'unchanged' : 'too_many';
  },
});

/** Deletes a custom counter and its count; true when there was one. */
export const deleteCounterScript = defineLuaScript(dir, {
  file: 'delete-counter.lua',
  keys: ['counters', 'custom'],
  argv: ['name'],
  parse: (raw) => Number(raw) === 1,
});

export type ReplayStart =
  | { outcome: 'missing' }
  | { outcome: 'not_replayable' }
  | { outcome: 'replayed' | 'replaying'; replays: number }
  | { outcome: 'queued'; replays: number; eventJson: string; userId: string };

/** Begins one dead letter's replay; only 'queued' asks the caller to produce the event. */
export const replayDeadLetterScript = defineLuaScript(dir, {
  file: 'replay-dead-letter.lua',
  keys: ['dlq', 'dlqDead', 'dedup', 'event', 'counters'],
  argv: ['eventId', 'now', 'staleAfter'],
  parse: (raw): ReplayStart => {
    const [outcome, replays, eventJson, userId] = raw as [string, number?, string?, string?];
    if (outcome === 'queued') {
      return { outcome, replays: Number(replays), eventJson: eventJson ?? '', userId: userId ?? '' };
    }
    if (outcome === 'replayed' || outcome === 'replaying') return { outcome, replays: Number(replays) };
    return outcome === 'not_replayable' ? { outcome } : { outcome: 'missing' };
  },
});

/** Every script of the reporter, for the header check. */
export const reporterScripts: readonly AnyLuaScript[] = [
  searchCrashesScript,
  setIssueStatusScript,
  putCounterScript,
  deleteCounterScript,
  replayDeadLetterScript,
];
