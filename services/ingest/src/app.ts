import { errorHandler } from '@evh/http';
import { type ReadinessCheck, registerOpsRoutes } from '@evh/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventPublisher } from './event-publisher.js';
import type { IngestMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { registerCrashRoutes } from './routes/crashes.js';
import { registerEventRoutes } from './routes/events.js';

export interface IngestDeps {
  logger: Logger;
  rateLimiter: RateLimiter;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  bodyLimit: number;
}

/** Builds the ingest's HTTP app from its dependencies; main.ts listens, tests inject. */
export function buildIngestApp(deps: IngestDeps): FastifyInstance {
  // Typed as the base logger: Fastify's generics otherwise carry pino's type into every route.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({ loggerInstance, bodyLimit: deps.bodyLimit });
  // Events are JSON; a text/plain body is a client mistake that deserves a 415, not a 400.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
  );
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  registerEventRoutes(app, deps);
  registerCrashRoutes(app, deps);
  return app;
}
