import { eventIdSchema } from '@evh/events';
import { parseInput, routeDoc } from '@evh/http';
import type { GroupLag } from '@evh/kafka';
import { deadLetterRecord, eventRecord, pipelineKeys as k, type Redis, readRecord } from '@evh/redis';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { reporterErrors } from '../errors.js';
import type { DlqReplayer } from '../pipeline/dlq-replayer.js';

export interface PipelineRoutesDeps {
  redis: Redis;
  replayer: DlqReplayer;
  /** The consumer group's lag on the events topic; absent without Kafka. */
  lag?: () => Promise<GroupLag>;
  now?: () => number;
}

const tags = ['pipeline'];
const LAG_WAIT_MS = 1500;

/** The promise's value, or null when it takes longer than `ms`. */
function withinOrNull<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
const eventParams = z.object({ eventId: eventIdSchema });
const dlqQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const bulkReplayBody = z
  .object({
    limit: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(100)
      .describe('At most this many letters are replayed by one call: call again while remaining > 0'),
  })
  .strict();

/** Read side of the event pipeline: one event's final state, the counters, the DLQ. */
export function registerPipelineRoutes(app: FastifyInstance, deps: PipelineRoutesDeps): void {
  const { redis, replayer } = deps;
  const now = deps.now ?? Date.now;
  app.get(
    '/v1/events/:eventId',
    {
      config: { auth: 'admin' },
      ...routeDoc({ summary: "An event's final state", tags, params: eventParams }),
    },
    async (request) => {
      const { eventId } = parseInput(eventParams, request.params);
      // The record's fields as stored, numbers as numbers (eventRecord has no defaults).
      const event = await readRecord(redis, eventRecord, k.event(eventId));
      if (!event) {
        throw reporterErrors.EVENT_NOT_FOUND(
          `event ${eventId} is not finalized (unknown, buffered or in progress)`,
        );
      }
      return { eventId, ...event };
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
      const entries = await Promise.all(ids.map((id) => readRecord(redis, deadLetterRecord, k.dlq(id))));
      return {
        total: await redis.llen(k.dlqList()),
        // A letter past its retention is still listed, by its id alone.
        items: ids.map((id, i) => ({ eventId: id, ...(entries[i] ?? {}) })).reverse(),
      };
    },
  );

  app.get(
    '/v1/pipeline/health',
    {
      config: { auth: 'admin' },
      ...routeDoc({
        summary:
          'Counters, the consumer lag (null without Kafka or when Kafka does not answer) and the dead letters waiting',
        tags,
      }),
    },
    async (request) => {
      const [hash, waiting, listed, lag] = await Promise.all([
        redis.hgetall(k.counters()),
        redis.zcard(k.dlqDead()),
        redis.llen(k.dlqList()),
        // The read side keeps answering while Kafka is away: the lag is then unknown, after
        // at most LAG_WAIT_MS (a connect to a broker that is down retries for seconds).
        withinOrNull(deps.lag?.() ?? Promise.resolve(null), LAG_WAIT_MS).catch((err: unknown) => {
          request.log.warn({ err }, 'consumer lag not read');
          return null;
        }),
      ]);
      const counters = Object.fromEntries(Object.entries(hash).map(([key, v]) => [key, Number(v)]));
      return {
        at: now(),
        counters,
        lag: lag && {
          total: lag.total,
          partitions: lag.partitions.map((p) => ({ partition: p.partition, lag: p.lag })),
        },
        dlq: { listed, waiting },
      };
    },
  );

  app.post(
    '/v1/dlq/:eventId/replay',
    {
      config: { auth: 'admin' },
      ...routeDoc({
        summary:
          'Produce a dead letter again as a new attempt; idempotent: a second call while it is under way, or after it went through, produces nothing',
        tags,
        params: eventParams,
        responses: {
          202: 'queued, or already being replayed, or already replayed (see outcome)',
          404: 'no such dead letter',
          409: 'not an event',
        },
      }),
    },
    async (request, reply) => {
      const { eventId } = parseInput(eventParams, request.params);
      return reply.code(202).send(await replayer.replay(eventId));
    },
  );

  app.post(
    '/v1/dlq/replay',
    {
      config: { auth: 'admin' },
      ...routeDoc({
        summary:
          'Replay the oldest dead letters waiting for a replay, at most limit of them; remaining says how many are left',
        tags,
        body: bulkReplayBody,
        responses: { 202: 'replayed this many; call again while remaining > 0' },
      }),
    },
    async (request, reply) => {
      const { limit } = parseInput(bulkReplayBody, request.body ?? {});
      return reply.code(202).send(await replayer.replayOldest(limit));
    },
  );
}
