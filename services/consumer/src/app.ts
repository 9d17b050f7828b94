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
}

/** The consumer serves only its probes and metrics; its work arrives from Kafka. */
export function buildConsumerApp(deps: ConsumerAppDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({ loggerInstance, disableRequestLogging: true });
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness, liveness: deps.liveness });
  return app;
}
