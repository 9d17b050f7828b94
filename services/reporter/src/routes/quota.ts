import { projectIdSchema } from '@evh/events';
import { parseInput, routeDoc } from '@evh/http';
import { lastMinuteEstimate, minuteOf, parseQuota, quotaKeys } from '@evh/quota';
import type { Redis } from '@evh/redis';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

const project = z.object({ projectId: projectIdSchema });

/** `GET /v1/projects/:projectId/quota`: the quota the ingest applies and the last minute's usage. */
export function registerQuotaRoutes(app: FastifyInstance, redis: Redis, now: () => number = Date.now): void {
  app.get(
    '/v1/projects/:projectId/quota',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary:
          "A project's effective quota (null: none, not even a default) and its events accepted and throttled in about the last minute",
        tags: ['projects'],
        params: project,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(project, req.params);
      const at = now();
      const minute = minuteOf(at);
      const [own, fallback, current, previous] = await Promise.all([
        redis.hget(quotaKeys.effective(), projectId),
        redis.get(quotaKeys.defaultQuota()),
        redis.hmget(quotaKeys.usage(projectId, minute), 'accepted', 'throttled'),
        redis.hmget(quotaKeys.usage(projectId, minute - 1), 'accepted', 'throttled'),
      ]);
      // The ingest counts usage only for projects that have a quota, as the controller reads it.
      const estimate = (i: 0 | 1) =>
        lastMinuteEstimate(Number(current[i] ?? 0), Number(previous[i] ?? 0), at);
      return {
        projectId,
        quota: parseQuota(own) ?? parseQuota(fallback) ?? null,
        acceptedLastMinute: estimate(0),
        throttledLastMinute: estimate(1),
      };
    },
  );
}
