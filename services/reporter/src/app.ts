import type { Redis } from '@evh/redis';
import { type ReadinessCheck, registerOpsRoutes } from '@evh/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { registerPipelineRoutes } from './routes/pipeline.js';

export interface ReporterDeps {
  logger: Logger;
  redis: Redis;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
}

/** The read side: everything the platform knows, served from Redis. */
export function buildReporterApp(deps: ReporterDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({ loggerInstance });
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  registerPipelineRoutes(app, deps.redis);
  return app;
}
