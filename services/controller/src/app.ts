import { defaultHttpLimits, guardSlowRequests, type HttpLimits, httpServerOptions } from '@evh/http';
import type { GroupLag } from '@evh/kafka';
import { type ReadinessCheck, registerOpsRoutes } from '@evh/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** What /v1/status reports: who leads, whether quotas are watched, the last scaling round. */
export interface ControllerStatus {
  identity: string;
  kubernetes: boolean;
  namespace: string | null;
  leading: boolean;
  leaseHolder: string | null;
  quotasSynced: boolean;
  lastScale: unknown;
}

export interface ControllerAppDeps {
  logger: Logger;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  latestLag: () => GroupLag | undefined;
  status: () => ControllerStatus;
  /** Header time-out and the connection bound, as every service has them. */
  httpLimits?: HttpLimits;
}

/** The controller's probes, metrics, the lag reading it acts on and its own state. */
export function buildControllerApp(deps: ControllerAppDeps): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const limits = deps.httpLimits ?? defaultHttpLimits;
  const app = Fastify({ loggerInstance, disableRequestLogging: true, ...httpServerOptions(limits) });
  guardSlowRequests(app, limits);
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  app.get('/v1/lag', async (_request, reply) => {
    const lag = deps.latestLag();
    if (!lag) return reply.code(503).send({ code: 'LAG_UNKNOWN', message: 'no lag reading yet' });
    return lag;
  });
  app.get('/v1/status', async () => deps.status());
  return app;
}
