import { eventIdSchema } from '@evh/events';
import { parseInput, routeDoc } from '@evh/http';
import { pipelineKeys as k, type Redis } from '@evh/redis';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

const tags = ['pipeline'];
const eventParams = z.object({ eventId: eventIdSchema });
const dlqQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

const INT_FIELDS = new Set(['processedAt', 'attempts', 'seq', 'queuedAt']);

function typed(hash: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(hash)) out[key] = INT_FIELDS.has(key) ? Number(value) : value;
  return out;
}

/** Read side of the event pipeline: one event's final state, the counters, the DLQ. */
export function registerPipelineRoutes(app: FastifyInstance, redis: Redis): void {
  app.get(
    '/v1/events/:eventId',
    {
      config: { auth: 'admin' },
      ...routeDoc({ summary: "An event's final state", tags, params: eventParams }),
    },
    async (request, reply) => {
      const { eventId } = parseInput(eventParams, request.params);
      const hash = await redis.hgetall(k.event(eventId));
      if (Object.keys(hash).length === 0) {
        return reply.code(404).send({
          code: 'EVENT_NOT_FOUND',
          message: `event ${eventId} is not finalized (unknown, buffered or in progress)`,
        });
      }
      return { eventId, ...typed(hash) };
    },
  );

  app.get(
    '/v1/pipeline/counters',
    { config: { auth: 'admin' }, ...routeDoc({ summary: 'Pipeline-wide counters', tags }) },
    async () => {
      const hash = await redis.hgetall(k.counters());
      return Object.fromEntries(Object.entries(hash).map(([key, v]) => [key, Number(v)]));
    },
  );

  app.get(
    '/v1/dlq',
    {
      config: { auth: 'admin' },
      ...routeDoc({ summary: 'The latest dead letters', tags, querystring: dlqQuery }),
    },
    async (request) => {
      const { limit } = parseInput(dlqQuery, request.query, 'query');
      const ids = await redis.lrange(k.dlqList(), -limit, -1);
      const entries = await Promise.all(ids.map((id) => redis.hgetall(k.dlq(id))));
      return {
        total: await redis.llen(k.dlqList()),
        items: ids.map((id, i) => ({ eventId: id, ...typed(entries[i] ?? {}) })).reverse(),
      };
    },
  );
}
