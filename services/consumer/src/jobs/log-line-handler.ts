import type { EventMessage } from '@evh/events';
import { type AnalyticsScope, analyticsKeys as ak, defineScripts, jobKeys, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from '../pipeline/event-processor.js';
import { jobScripts } from '../redis/scripts.js';
import { logLineSchema } from './log-line-event.js';

type Script = (...args: (string | number)[]) => Promise<unknown>;

const scopeKeys = (scope: AnalyticsScope) => [
  ak.statuses(scope),
  ak.services(scope),
  ak.users(scope),
  ak.hours(scope),
];

/**
 * Counts one line of an upload job into the job's and its project's analytics and advances
 * the job's progress, once per line (apply-log-line.lua keeps a marker per line).
 */
export function createLogLineHandler(deps: {
  redis: Redis;
  keyPrefix: string;
  retentionMs: number;
}): ApplyEvent {
  const { redis } = deps;
  defineScripts(redis, jobScripts);
  const cmd = redis as unknown as Record<'applyLogLine', Script>;
  return async (event: EventMessage) => {
    const parsed = logLineSchema.safeParse((event as { log?: unknown }).log);
    if (!parsed.success) throw consumerErrors.INVALID_MESSAGE(`log: ${parsed.error.issues[0]?.message}`);
    const l = parsed.data;
    const keys = [
      jobKeys.lineApplied(l.jobId, l.line),
      jobKeys.job(l.jobId),
      ...scopeKeys(`job:${l.jobId}`),
      ...(l.projectId ? scopeKeys(`project:${l.projectId}`) : []),
    ];
    await cmd.applyLogLine.call(
      redis,
      keys.length,
      ...keys,
      l.status,
      l.service,
      l.user,
      l.hour,
      Date.now(),
      deps.retentionMs,
      // Channels are not keys: ioredis does not prefix them, so we do.
      `${deps.keyPrefix}${jobKeys.progressChannel(l.jobId)}`,
    );
  };
}
