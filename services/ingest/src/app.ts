import {
  defaultHttpLimits,
  errorHandler,
  guardSlowRequests,
  type HttpLimits,
  httpErrors,
  httpServerOptions,
  registerApiDocs,
  useZodValidation,
} from '@evh/http';
import { type AuthOptions, registerAuth } from '@evh/projects';
import { type ReadinessCheck, registerOpsRoutes, registerRequestTracing } from '@evh/telemetry';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import type { Tracer } from '@opentelemetry/api';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventPublisher } from './event-publisher.js';
import type { IngestMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { registerCrashRoutes } from './routes/crashes.js';
import { registerEventRoutes } from './routes/events.js';
import { registerSentryRoutes } from './routes/sentry.js';
import { registerUploadRoutes, type UploadRoutesDeps } from './routes/uploads.js';

export interface IngestDeps {
  uploads: Omit<UploadRoutesDeps, 'maxUploadBytes'>;
  maxUploadBytes: number;
  logger: Logger;
  rateLimiter: RateLimiter;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  /** Server spans per request when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracer?: Tracer;
  bodyLimit: number;
  /** The most a compressed body may be once decoded (Sentry routes; default 4 × bodyLimit). */
  maxDecodedBytes?: number;
  /** How slowly a client may send, and how many connections at once (defaults when absent). */
  httpLimits?: HttpLimits;
  /** Access-Control-Allow-Origin: `*`, or a list of origins. */
  corsOrigin: string | string[];
  /** Who may use which route (authOff() for development and tests not about auth). */
  auth: AuthOptions;
}

/** Builds the ingest's HTTP app from its dependencies; main.ts listens, tests inject. */
export async function buildIngestApp(deps: IngestDeps): Promise<FastifyInstance> {
  // Typed as the base logger: Fastify's generics otherwise carry pino's type into every route.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const httpLimits = deps.httpLimits ?? defaultHttpLimits;
  const app = Fastify({ loggerInstance, bodyLimit: deps.bodyLimit, ...httpServerOptions(httpLimits) });
  // First, so that it sees every route registered after it (and refuses one without a policy).
  // CORS answers preflights on a route of its own (`OPTIONS *`), open as preflights must be.
  registerAuth(app, { ...deps.auth, pluginRoutes: { '*': 'open' } });
  guardSlowRequests(app, httpLimits);
  // Events are JSON; a text/plain body is a client mistake that deserves a 415, not a 400.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler);
  // A coded error like any other 404, rendered by the one error mapping.
  app.setNotFoundHandler((request, reply) =>
    errorHandler(httpErrors.NOT_FOUND(`no route ${request.method} ${request.url}`), request, reply),
  );
  useZodValidation(app);
  if (deps.tracer) registerRequestTracing(app, deps.tracer);
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  await registerApiDocs(app, {
    title: 'Event Horizon ingest',
    description:
      'The write side: events, batches and crash reports, validated, rate-limited and made durable in Kafka.',
    version: '0.1.0',
  });
  // Browser SDKs and the reporter's console post from other origins.
  // Browser SDKs read these to back off; a cross-origin script sees only what is exposed.
  await app.register(cors, {
    origin: deps.corsOrigin,
    exposedHeaders: ['Retry-After', 'X-Sentry-Rate-Limits'],
  });
  await app.register(multipart, {
    limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 10, fieldSize: 1024 },
  });
  // Routes go in after the docs plugin so that its onRoute hook sees them.
  await app.register(async (api) => {
    registerEventRoutes(api, deps);
    registerCrashRoutes(api, deps);
    registerUploadRoutes(api, { ...deps.uploads, maxUploadBytes: deps.maxUploadBytes });
    // A plugin of its own: its body parser (bytes, any type) is for these routes only.
    await api.register((sentry) =>
      registerSentryRoutes(sentry, { ...deps, maxDecodedBytes: deps.maxDecodedBytes ?? 4 * deps.bodyLimit }),
    );
  });
  return app;
}
