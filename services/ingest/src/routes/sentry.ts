import { crashMessage, crashReportSchema } from '@evh/events';
import { describeIssues, httpErrors, routeDoc, toIssues } from '@evh/http';
import { writeProject } from '@evh/projects';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ingestErrors } from '../errors.js';
import type { EventPublisher } from '../event-publisher.js';
import type { IngestMetrics } from '../metrics.js';
import { countProjectVerdicts } from '../quota/project-verdicts.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { decodeBody } from '../sentry/decode-body.js';
import { eventToCrash, sentryEventId } from '../sentry/event-to-crash.js';
import { parseEnvelope } from '../sentry/parse-envelope.js';

export interface SentryRoutesDeps {
  rateLimiter: RateLimiter;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  /** The most a body may be once decompressed. */
  maxDecodedBytes: number;
  now?: () => number;
}

/** Item kinds counted by name; any other is counted as `other`, so the label stays bounded. */
const KNOWN_KINDS = new Set([
  'event',
  'transaction',
  'session',
  'sessions',
  'attachment',
  'client_report',
  'check_in',
  'profile',
  'profile_chunk',
  'replay_event',
  'replay_recording',
  'user_report',
  'feedback',
  'span',
  'log',
  'statsd',
  'metric_buckets',
]);

type Obj = Record<string, unknown>;

function eventJson(payload: Buffer, what: string): Obj {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw ingestErrors.SENTRY_BAD_ENVELOPE(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ingestErrors.SENTRY_BAD_ENVELOPE(`${what} is not a JSON object`);
  }
  return value as Obj;
}

/** The project events go to: the key's, or with AUTH=off the path's. */
function projectOf(request: FastifyRequest): string {
  const named = (request.params as { project: string }).project;
  return writeProject(request, undefined) ?? named;
}

/**
 * Sentry's ingest protocol, so that Sentry's SDKs report here by changing their DSN:
 * `POST /api/:project/envelope/` and the older `/api/:project/store/`, where `:project` is
 * the project's number (what a DSN holds) or its id. Event items become crash reports on
 * the event pipeline; every other item kind is accepted and counted, so no SDK is told to
 * retry what we do not keep.
 */
export async function registerSentryRoutes(app: FastifyInstance, deps: SentryRoutesDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  // Envelopes are not JSON, browsers send them as text/plain (no preflight), and any body
  // may be compressed: here every body is read as bytes and decoded by the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  async function body(request: FastifyRequest): Promise<Buffer> {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const encoding = request.headers['content-encoding'];
    return decodeBody(raw, Array.isArray(encoding) ? encoding[0] : encoding, deps.maxDecodedBytes);
  }

  /** Rate-limits, then publishes the events as crashes; the 429 is told in Sentry's words. */
  async function accept(
    reply: FastifyReply,
    projectId: string,
    events: { event: Obj; fallbackId?: string }[],
  ) {
    const reports = events.map(({ event, fallbackId }) => {
      const crash = eventToCrash(event, projectId, fallbackId);
      const parsed = crashReportSchema.safeParse(crash);
      if (!parsed.success) {
        const issues = toIssues(parsed.error);
        throw httpErrors.VALIDATION_FAILED(describeIssues(issues), { details: { issues } });
      }
      return { report: parsed.data, eventId: crash.eventId };
    });
    if (reports.length === 0) return [];
    const decisions = await deps.rateLimiter.check(
      reports.map((r) => ({ userId: r.report.userId ?? '', eventId: r.eventId, projectId })),
    );
    countProjectVerdicts(deps.metrics, decisions);
    const refused = decisions.find((d) => !d.allowed);
    if (refused) {
      deps.metrics.events.inc({ outcome: 'rate_limited' }, reports.length);
      const seconds = Math.max(1, Math.ceil(refused.retryAfterMs / 1000));
      // Sentry's SDKs stop sending these categories for that long instead of retrying.
      reply.header(
        'X-Sentry-Rate-Limits',
        `${seconds}:error;default:${refused.scope === 'user' ? 'key' : 'project'}`,
      );
      throw ingestErrors.RATE_LIMITED(`project ${projectId} is over its quota`, {
        details: { retryAfterMs: refused.retryAfterMs },
      });
    }
    await deps.publisher.publish(reports.map((r) => crashMessage(r.report, r.eventId, now())));
    deps.metrics.events.inc({ outcome: 'accepted' }, reports.length);
    return reports.map((r) => r.eventId);
  }

  const envelope = async (request: FastifyRequest, reply: FastifyReply) => {
    const projectId = projectOf(request);
    const parsed = parseEnvelope(await body(request));
    const headerId = sentryEventId(parsed.header.event_id);
    const events: { event: Obj; fallbackId?: string }[] = [];
    for (const [i, item] of parsed.items.entries()) {
      const kind = KNOWN_KINDS.has(item.type) ? item.type : 'other';
      deps.metrics.sentryItems.inc({ project: deps.metrics.projectLabel(projectId), kind });
      if (item.type === 'event') {
        events.push({
          event: eventJson(item.payload, `item ${i + 1} (event)`),
          ...(headerId ? { fallbackId: headerId } : {}),
        });
      }
    }
    const ids = await accept(reply, projectId, events);
    const id = ids[0] ?? headerId;
    return reply.code(200).send(id ? { id } : {});
  };

  const store = async (request: FastifyRequest, reply: FastifyReply) => {
    const projectId = projectOf(request);
    const event = eventJson(await body(request), 'the event');
    deps.metrics.sentryItems.inc({ project: deps.metrics.projectLabel(projectId), kind: 'event' });
    const [id] = await accept(reply, projectId, [{ event }]);
    return reply.code(200).send({ id });
  };

  const doc = (summary: string) => ({
    config: { auth: 'ingest' as const },
    ...routeDoc({
      summary,
      tags: ['sentry'],
      responses: {
        200: '{id}: the event id',
        400: 'not an envelope (or event) we can read',
        401: 'no key, or an unknown one',
        403: "another project's key",
        413: 'over the size limits',
        415: 'an unsupported Content-Encoding',
        429: 'over quota: Retry-After and X-Sentry-Rate-Limits',
      },
    }),
  });
  // With and without the trailing slash: the SDKs send it, hand-written clients often do not.
  for (const path of ['/api/:project/envelope/', '/api/:project/envelope']) {
    app.post(path, doc('Sentry envelope: event items become crashes, other items are counted'), envelope);
  }
  for (const path of ['/api/:project/store/', '/api/:project/store']) {
    app.post(path, doc("Sentry's older store endpoint: one event as JSON"), store);
  }
}
