import type { EventMessage } from '@evh/events';
import { jobKeys, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from '../pipeline/event-processor.js';
import { applyLogLineScript } from '../redis/job-scripts.js';
import { scopeKeys } from './log-chunk-handler.js';
import { logLineSchema } from './log-line-event.js';

/**
 * Counts one line of an upload job read before chunks (log-chunk-handler.ts), once per line
 * (apply-log-line.lua keeps a marker per line). Jobs no longer produce such events; this
 * stays while some may still be queued from before an upgrade.
 */
export function createLogLineHandler(deps: {
  redis: Redis;
  keyPrefix: string;
  retentionMs: number;
}): ApplyEvent {
  const { redis } = deps;
  return async (event: EventMessage) => {
    const parsed = logLineSchema.safeParse((event as { log?: unknown }).log);
    if (!parsed.success) throw consumerErrors.INVALID_MESSAGE(`log: ${parsed.error.issues[0]?.message}`);
    const l = parsed.data;
    const project = l.projectId ? Object.values(scopeKeys(`project:${l.projectId}`)) : [];
    await applyLogLineScript.run(
      redis,
      {
        marker: jobKeys.lineApplied(l.jobId, l.line),
        job: jobKeys.job(l.jobId),
        ...scopeKeys(`job:${l.jobId}`),
      },
      {
        status: l.status,
        service: l.service,
        user: l.user,
        hour: l.hour,
        now: Date.now(),
        retention: deps.retentionMs,
        // Channels are not keys: ioredis does not prefix them, so we do.
        channel: `${deps.keyPrefix}${jobKeys.progressChannel(l.jobId)}`,
      },
      { keys: project },
    );
  };
}
