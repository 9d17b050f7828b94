import { type EventMessage, type LogChunk, logChunkSchema } from '@evh/events';
import {
  type AnalyticsScope,
  analyticsKeys as ak,
  jobKeys,
  jobRecord,
  type Redis,
  readRecordFields,
} from '@evh/redis';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from '../pipeline/event-processor.js';
import { applyLogChunkScript } from '../redis/job-scripts.js';

export const scopeKeys = (scope: AnalyticsScope) => ({
  statuses: ak.statuses(scope),
  services: ak.services(scope),
  users: ak.users(scope),
  hours: ak.hours(scope),
});

/** The pairs after apply-log-chunk.lua's named arguments: statuses, services, users, hours. */
function pairs(c: LogChunk): (string | number)[] {
  const args: (string | number)[] = [];
  for (const list of [c.statuses, c.services, c.users, c.hours])
    for (const [name, n] of list) args.push(name, n);
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
  /**
   * Told when this chunk completed the job, and again when a chunk applied before is run
   * again while its job is completed (the first call may have failed): must be idempotent.
   */
  onJobCompleted?(jobId: string): Promise<void>;
}): ApplyEvent {
  const { redis } = deps;
  return async (event: EventMessage) => {
    const parsed = logChunkSchema.safeParse((event as { chunk?: unknown }).chunk);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw consumerErrors.INVALID_MESSAGE(`chunk.${issue?.path.join('.')}: ${issue?.message}`);
    }
    const c = parsed.data;
    const project = c.projectId ? Object.values(scopeKeys(`project:${c.projectId}`)) : [];
    const result = await applyLogChunkScript.run(
      redis,
      {
        marker: jobKeys.chunkApplied(c.jobId, c.firstLine),
        job: jobKeys.job(c.jobId),
        ...scopeKeys(`job:${c.jobId}`),
      },
      {
        now: Date.now(),
        retention: deps.retentionMs,
        // Channels are not keys: ioredis does not prefix them, so we do.
        channel: `${deps.keyPrefix}${jobKeys.progressChannel(c.jobId)}`,
        lines: c.lines,
        statusPairs: c.statuses.length,
        servicePairs: c.services.length,
        userPairs: c.users.length,
        hourPairs: c.hours.length,
      },
      { keys: project, argv: pairs(c) },
    );
    if (!deps.onJobCompleted) return;
    const completed =
      result === 'completed' ||
      (result === 'before' &&
        (await readRecordFields(redis, jobRecord, jobKeys.job(c.jobId), ['status'])).status === 'completed');
    if (completed) await deps.onJobCompleted(c.jobId);
  };
}
