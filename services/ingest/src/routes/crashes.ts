import { randomUUID } from 'node:crypto';
import { crashMessage, crashReportSchema, invalidCrashMessage, projectIdSchema } from '@evh/events';
import { describeIssues, httpErrors, routeDoc, toIssues } from '@evh/http';
import { writeProject } from '@evh/projects';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingestErrors } from '../errors.js';
import type { EventPublisher } from '../event-publisher.js';
import type { IngestMetrics } from '../metrics.js';
import { countProjectVerdicts, refusal } from '../quota/project-verdicts.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';

export interface CrashRoutesDeps {
  rateLimiter: RateLimiter;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  now?: () => number;
}

/**
 * The body with the key's project: a report may leave projectId out when it sends a key, and
 * one naming another project is a 403.
 */
function withKeyProject(request: FastifyRequest): unknown {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const named = (body as { projectId?: unknown }).projectId;
  const projectId = writeProject(request, named);
  return projectId === undefined ? body : { ...body, projectId };
}

/**
 * Crash reports ride the event pipeline (idempotency, retries, DLQ). An invalid report that
 * names a valid projectId is still sent, as a `crash.invalid` event, so that the consumer
 * counts it against the project exactly once.
 */
export function registerCrashRoutes(app: FastifyInstance, deps: CrashRoutesDeps): void {
  const now = deps.now ?? Date.now;

  app.post(
    '/v1/crashes',
    {
      config: { auth: 'ingest' },
      ...routeDoc({
        summary: 'Accept a crash report; 202 once Kafka has it',
        tags: ['crashes'],
        body: crashReportSchema,
        responses: { 202: 'accepted', 400: 'invalid (counted against the project when it names one)' },
      }),
    },
    async (request, reply) => {
      const body = withKeyProject(request);
      const parsed = crashReportSchema.safeParse(body);
      if (!parsed.success) {
        deps.metrics.events.inc({ outcome: 'invalid' });
        const issues = toIssues(parsed.error);
        const projectId = projectIdSchema.safeParse((body as { projectId?: unknown } | null)?.projectId);
        if (projectId.success) {
          const reasons = issues.map((i) => i.message);
          const invalid = invalidCrashMessage(projectId.data, reasons, randomUUID(), now());
          // The client's answer is the 400 whatever happens; counting is best effort here.
          await deps.publisher.publish([invalid]).catch((err: unknown) => {
            request.log.warn({ err }, 'could not count an invalid crash');
          });
        }
        throw httpErrors.VALIDATION_FAILED(describeIssues(issues), { details: { issues } });
      }
      const report = parsed.data;
      const eventId = report.eventId ?? randomUUID();
      // The user's window when the report names a user, and the project's quota.
      const [decision] = await deps.rateLimiter.check([
        { userId: report.userId ?? '', eventId, projectId: report.projectId },
      ]);
      if (decision) countProjectVerdicts(deps.metrics, [decision]);
      if (decision && !decision.allowed) {
        deps.metrics.events.inc({ outcome: 'rate_limited' });
        const { scope, message, details } = refusal(report.userId, decision, deps.rateLimiter);
        reply.header('RateLimit-Scope', scope);
        throw ingestErrors.RATE_LIMITED(message, { details });
      }
      await deps.publisher.publish([crashMessage(report, eventId, now())]);
      deps.metrics.events.inc({ outcome: 'accepted' });
      return reply.code(202).send({ eventId });
    },
  );
}
