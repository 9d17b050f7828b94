import { type AnyLuaScript, defineLuaScript, hashOfPairs, luaDir } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The four analytics of a scope, as scopeKeys lists them. */
const analytics = ['statuses', 'services', 'users', 'hours'] as const;

/**
 * Merges one chunk of a job once: after the job scope's analytics come the project's four
 * (when the job has one); after the pair counts, the pairs themselves.
 */
export const applyLogChunkScript = defineLuaScript(dir, {
  file: 'apply-log-chunk.lua',
  keys: ['marker', 'job', ...analytics],
  argv: ['now', 'retention', 'channel', 'lines', 'statusPairs', 'servicePairs', 'userPairs', 'hourPairs'],
  variadic: 'both',
  parse: (raw) => (['before', 'applied', 'completed'] as const)[Number(raw)] ?? 'before',
});

/** One line of a job read before chunks (its events may still be queued). */
export const applyLogLineScript = defineLuaScript(dir, {
  file: 'apply-log-line.lua',
  keys: ['marker', 'job', ...analytics],
  argv: ['status', 'service', 'user', 'hour', 'now', 'retention', 'channel'],
  variadic: 'keys',
  parse: (raw) => Number(raw) === 1,
});

/** null when there is no such job, else its hash (to be read through jobRecord). */
export const startJobScript = defineLuaScript(dir, {
  file: 'start-job.lua',
  keys: ['job'],
  argv: ['now', 'channel', 'chunkLines', 'chunkBytes'],
  parse: (raw) => (Array.isArray(raw) ? hashOfPairs(raw) : null),
});

export const finishReadingScript = defineLuaScript(dir, {
  file: 'finish-reading.lua',
  keys: ['job'],
  argv: ['now', 'channel'],
  parse: (raw) => String(raw),
});

export const failJobScript = defineLuaScript(dir, {
  file: 'fail-job.lua',
  keys: ['job'],
  argv: ['errorCode', 'errorMessage', 'now', 'channel'],
  parse: (raw) => Number(raw) === 1,
});

/** Every job script, for the header check. */
export const jobScripts: readonly AnyLuaScript[] = [
  applyLogChunkScript,
  applyLogLineScript,
  startJobScript,
  finishReadingScript,
  failJobScript,
];
