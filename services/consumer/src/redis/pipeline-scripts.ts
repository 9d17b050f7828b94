import { type AnyLuaScript, defineLuaScript, luaDir } from '@evh/redis';

const dir = luaDir(import.meta.url);

/** The effectively-once decisions of the event pipeline, one script each (see each header). */
export const beginEventScript = defineLuaScript(dir, {
  file: 'begin-event.lua',
  keys: ['dedup', 'inflight', 'seqNext', 'seqBuf', 'seqWaiting'],
  argv: ['lockToken', 'lockExpiry', 'seq', 'messageJson', 'now', 'userId', 'retention'],
  parse: (raw) => raw as 'dup' | 'busy' | 'buffered' | 'run' | 'late',
});

/** Per run of one user: three keys and two arguments, then two keys and three arguments per event. */
export const applyPlainEventsScript = defineLuaScript(dir, {
  file: 'apply-plain-events.lua',
  keys: ['seqWaiting', 'counters'],
  argv: ['now', 'retention'],
  variadic: 'both',
  parse: (raw) =>
    (raw as [string, string | null][]).map(([letters, following]) => ({
      letters,
      following: following || null,
    })),
});

export const finalizeEventScript = defineLuaScript(dir, {
  file: 'finalize-event.lua',
  keys: [
    'event',
    'dedup',
    'inflight',
    'order',
    'seqNext',
    'seqBuf',
    'seqWaiting',
    'counters',
    'dlqList',
    'dlq',
    'dlqDead',
  ],
  argv: [
    'lockToken',
    'status',
    'now',
    'attempts',
    'eventId',
    'userId',
    'type',
    'seq',
    'error',
    'retention',
    'eventJson',
    'loggedAt',
    'readAt',
    'startedAt',
  ],
  parse: (raw) => {
    const [outcome, following] = raw as ['done' | 'dup' | 'lost', string | null];
    return { outcome, following: following || null };
  },
});

export const releaseWaitingScript = defineLuaScript(dir, {
  file: 'release-waiting.lua',
  keys: ['seqNext', 'seqBuf', 'seqWaiting', 'counters'],
  argv: ['userId', 'now', 'gapTimeout', 'stallGrace', 'retention', 'lastCaughtUp'],
  parse: (raw) => raw as [string, string, number?, number?] | null,
});

export const unlockEventScript = defineLuaScript(dir, {
  file: 'unlock-event.lua',
  keys: ['inflight'],
  argv: ['lockToken'],
  parse: (raw) => raw === 1,
});

/** Every key is one event's lock (variadic); the reply is the 1-based indexes of lost ones. */
export const renewLocksScript = defineLuaScript(dir, {
  file: 'renew-locks.lua',
  keys: [],
  argv: ['lockToken', 'lockExpiry'],
  variadic: 'keys',
  parse: (raw) => raw as number[],
});

/** The pipeline's scripts, for the header check. */
export const pipelineScripts: readonly AnyLuaScript[] = [
  beginEventScript,
  applyPlainEventsScript,
  finalizeEventScript,
  releaseWaitingScript,
  unlockEventScript,
  renewLocksScript,
];
