import { type EventMessage, type LogChunk, logChunkSchema } from '@evh/events';
import { type AnalyticsScope, analyticsKeys as ak, defineScripts, jobKeys, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from '../pipeline/event-processor.js';
import { jobScripts } from '../redis/scripts.js';

type Script = (...args: (string | number)[]) => Promise<unknown>;

const scopeKeys = (scope: AnalyticsScope) => [
  ak.statuses(scope),
  ak.services(scope),
  ak.users(scope),
  ak.hours(scope),
];

/** apply-log-chunk.lua's arguments after the fixed ones: the four pair counts, then the pairs. */
export function chunkCountArgs(c: LogChunk): (string | number)[] {
  const lists = [c.statuses, c.services, c.users, c.hours] as const;
  const args: (string | number)[] = lists.map((l) => l.length);
  for (const list of lists) for (const [name, n] of list) args.push(name, n);
  return args;
}

/**
 * Merges one chunk of an upload job into the job's and its project's analytics and advances
 * the job's progress, in one script call, once per chunk (apply-log-chunk.lua keeps a marker
 * per chunk: the pipeline may run a chunk again whose apply ran but whose finalize did not).
 */
export function createLogChunkHandler(deps: {
  redis: Redis;
  keyPrefix: string;
  retentionMs: number;
}): ApplyEvent {
  const { redis } = deps;
  defineScripts(redis, jobScripts);
  const cmd = redis as unknown as Record<'applyLogChunk', Script>;
  return async (event: EventMessage) => {
    const parsed = logChunkSchema.safeParse((event as { chunk?: unknown }).chunk);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw consumerErrors.INVALID_MESSAGE(`chunk.${issue?.path.join('.')}: ${issue?.message}`);
    }
    const c = parsed.data;
    const keys = [
      jobKeys.chunkApplied(c.jobId, c.firstLine),
      jobKeys.job(c.jobId),
      ...scopeKeys(`job:${c.jobId}`),
      ...(c.projectId ? scopeKeys(`project:${c.projectId}`) : []),
    ];
    await cmd.applyLogChunk.call(
      redis,
      keys.length,
      ...keys,
      Date.now(),
      deps.retentionMs,
      // Channels are not keys: ioredis does not prefix them, so we do.
      `${deps.keyPrefix}${jobKeys.progressChannel(c.jobId)}`,
      c.lines,
      ...chunkCountArgs(c),
    );
  };
}
