import { type ReadinessCheck, registerOpsRoutes } from '@evh/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface ConsumerAppDeps {
  logger: Logger;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
}

/** The consumer serves only its probes and metrics; its work arrives from Kafka. */
export function buildConsumerApp(deps: ConsumerAppDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({ loggerInstance, disableRequestLogging: true });
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  return app;
}
