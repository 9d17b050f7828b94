import { defaultHttpLimits, guardSlowRequests, type HttpLimits, httpServerOptions } from '@evh/http';
import { type LivenessCheck, type ReadinessCheck, registerOpsRoutes } from '@evh/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface ConsumerAppDeps {
  logger: Logger;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  /** /healthz fails when one fails: a stuck consumer is restarted. */
  liveness?: Record<string, LivenessCheck>;
  /** Header time-out and the connection bound, as every service has them. */
  httpLimits?: HttpLimits;
}

/** The consumer serves only its probes and metrics; its work arrives from Kafka. */
export function buildConsumerApp(deps: ConsumerAppDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const limits = deps.httpLimits ?? defaultHttpLimits;
  const app = Fastify({ loggerInstance, disableRequestLogging: true, ...httpServerOptions(limits) });
  guardSlowRequests(app, limits);
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness, liveness: deps.liveness });
  return app;
}
