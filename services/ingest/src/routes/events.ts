import { randomUUID } from 'node:crypto';
import {
  type EventInput,
  type EventMessage,
  eventBatchSchema,
  eventInputSchema,
  MAX_BATCH,
  plainEventMessage,
} from '@evh/events';
import { describeIssues, httpErrors, routeDoc, toIssues, type ValidationIssue } from '@evh/http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ingestErrors } from '../errors.js';
import type { EventPublisher } from '../event-publisher.js';
import type { IngestMetrics } from '../metrics.js';
import { projectOfEvent } from '../quota/project-of.js';
import { countProjectVerdicts, refusal } from '../quota/project-verdicts.js';
import type { RateDecision, RateLimiter } from '../rate-limit/rate-limiter.js';

export interface EventRoutesDeps {
  rateLimiter: RateLimiter;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  now?: () => number;
}

type BatchResult =
  | { eventId: string; status: 'accepted' }
  | { eventId: string; status: 'rate_limited'; error: string; scope: 'user' | 'project' }
  | { eventId: string | null; status: 'invalid'; error: string; issues: ValidationIssue[] };

function setRateHeaders(reply: FastifyReply, limiter: RateLimiter, d: RateDecision): void {
  const windowSeconds = Math.ceil(limiter.windowMs / 1000);
  reply.header('RateLimit-Limit', limiter.limit);
  reply.header('RateLimit-Remaining', d.remaining);
  reply.header('RateLimit-Reset', d.allowed ? windowSeconds : Math.ceil(d.retryAfterMs / 1000));
  reply.header('RateLimit-Policy', `${limiter.limit};w=${windowSeconds}`);
}

/** The batch as documented: the envelope, each item an event (items are validated one by one). */
const batchDoc = z.object({ events: z.array(eventInputSchema).min(1).max(MAX_BATCH) });
const tags = ['events'];

export function registerEventRoutes(app: FastifyInstance, deps: EventRoutesDeps): void {
  const now = deps.now ?? Date.now;

  async function publish(messages: EventMessage[]): Promise<void> {
    const end = deps.metrics.produceSeconds.startTimer();
    try {
      await deps.publisher.publish(messages);
    } catch (err) {
      deps.metrics.events.inc({ outcome: 'unavailable' }, messages.length);
      throw err;
    } finally {
      end();
    }
  }

  app.post(
    '/events',
    {
      config: { auth: 'events' },
      ...routeDoc({
        summary: 'Accept one event; 202 once Kafka has it',
        tags,
        body: eventInputSchema,
        responses: { 202: 'accepted', 400: 'invalid', 429: 'rate limited', 503: 'Kafka unavailable' },
      }),
    },
    async (request, reply) => {
      const parsed = eventInputSchema.safeParse(request.body);
      if (!parsed.success) {
        deps.metrics.events.inc({ outcome: 'invalid' });
        const issues = toIssues(parsed.error);
        throw httpErrors.VALIDATION_FAILED(describeIssues(issues), { details: { issues } });
      }
      const input = parsed.data;
      const eventId = input.eventId ?? randomUUID();
      const [decision] = await deps.rateLimiter.check([
        { userId: input.userId, eventId, projectId: projectOfEvent(input) },
      ]);
      if (!decision) throw new Error('rate limiter returned no decision');
      setRateHeaders(reply, deps.rateLimiter, decision);
      countProjectVerdicts(deps.metrics, [decision]);
      if (!decision.allowed) {
        deps.metrics.events.inc({ outcome: 'rate_limited' });
        const { scope, message, details } = refusal(input.userId, decision, deps.rateLimiter);
        reply.header('RateLimit-Scope', scope);
        throw ingestErrors.RATE_LIMITED(message, { details });
      }
      await publish([plainEventMessage(input, eventId, now())]);
      deps.metrics.events.inc({ outcome: 'accepted' });
      return reply.code(202).send({ eventId, status: 'accepted' });
    },
  );

  app.post(
    '/events/batch',
    {
      config: { auth: 'events' },
      ...routeDoc({
        summary: 'Accept up to 1000 events; one result per item, in input order',
        tags,
        body: batchDoc,
        responses: { 202: 'results', 400: 'events missing, empty or too long', 503: 'Kafka unavailable' },
      }),
    },
    async (request, reply) => {
      const envelope = eventBatchSchema.safeParse(request.body);
      if (!envelope.success) {
        const issues = toIssues(envelope.error);
        throw httpErrors.VALIDATION_FAILED(describeIssues(issues), { details: { issues } });
      }
      const items = envelope.data.events;
      const results: BatchResult[] = new Array(items.length);
      const valid: { index: number; input: EventInput; eventId: string }[] = [];
      items.forEach((raw, index) => {
        const parsed = eventInputSchema.safeParse(raw);
        if (parsed.success) {
          valid.push({ index, input: parsed.data, eventId: parsed.data.eventId ?? randomUUID() });
          return;
        }
        const issues = toIssues(parsed.error);
        const clientId = (raw as { eventId?: unknown } | null)?.eventId;
        results[index] = {
          eventId: typeof clientId === 'string' ? clientId : null,
          status: 'invalid',
          error: describeIssues(issues),
          issues,
        };
      });
      deps.metrics.events.inc({ outcome: 'invalid' }, items.length - valid.length);

      const decisions = await deps.rateLimiter.check(
        valid.map((v) => ({
          userId: v.input.userId,
          eventId: v.eventId,
          projectId: projectOfEvent(v.input),
        })),
      );
      countProjectVerdicts(deps.metrics, decisions);
      const at = now();
      const accepted: EventMessage[] = [];
      valid.forEach((v, i) => {
        const d = decisions[i];
        if (d?.allowed) {
          accepted.push(plainEventMessage(v.input, v.eventId, at));
          results[v.index] = { eventId: v.eventId, status: 'accepted' };
        } else {
          const { scope, message } = refusal(
            v.input.userId,
            d ?? { allowed: false, remaining: 0, retryAfterMs: 0 },
            deps.rateLimiter,
          );
          results[v.index] = { eventId: v.eventId, status: 'rate_limited', error: message, scope };
        }
      });
      deps.metrics.events.inc({ outcome: 'rate_limited' }, valid.length - accepted.length);
      await publish(accepted);
      deps.metrics.events.inc({ outcome: 'accepted' }, accepted.length);
      return reply.code(202).send({ results });
    },
  );
}
