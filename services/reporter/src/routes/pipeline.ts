import { pipelineKeys as k, type Redis } from '@evh/redis';
import type { FastifyInstance } from 'fastify';

const INT_FIELDS = new Set(['processedAt', 'attempts', 'seq', 'queuedAt']);

function typed(hash: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(hash)) out[key] = INT_FIELDS.has(key) ? Number(value) : value;
  return out;
}

/** Read side of the event pipeline: one event's final state, the counters, the DLQ. */
export function registerPipelineRoutes(app: FastifyInstance, redis: Redis): void {
  app.get<{ Params: { eventId: string } }>('/v1/events/:eventId', async (request, reply) => {
    const hash = await redis.hgetall(k.event(request.params.eventId));
    if (Object.keys(hash).length === 0) {
      return reply.code(404).send({
        code: 'EVENT_NOT_FOUND',
        message: `event ${request.params.eventId} is not finalized (unknown, buffered or in progress)`,
      });
    }
    return { eventId: request.params.eventId, ...typed(hash) };
  });

  app.get('/v1/pipeline/counters', async () => {
    const hash = await redis.hgetall(k.counters());
    return Object.fromEntries(Object.entries(hash).map(([key, v]) => [key, Number(v)]));
  });

  app.get<{ Querystring: { limit?: string } }>('/v1/dlq', async (request) => {
    const limit = Math.min(Math.max(Number(request.query.limit ?? 50) || 50, 1), 500);
    const ids = await redis.lrange(k.dlqList(), -limit, -1);
    const entries = await Promise.all(ids.map((id) => redis.hgetall(k.dlq(id))));
    return {
      total: await redis.llen(k.dlqList()),
      items: ids.map((id, i) => ({ eventId: id, ...typed(entries[i] ?? {}) })).reverse(),
    };
  });
}
