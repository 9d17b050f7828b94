import {
  defaultHttpLimits,
  errorHandler,
  guardSlowRequests,
  type HttpLimits,
  httpServerOptions,
} from '@evh/http';
import type { GroupLag } from '@evh/kafka';
import { type ReadinessCheck, registerOpsRoutes } from '@evh/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { controllerErrors } from './errors.js';

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
  app.setErrorHandler(errorHandler);
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  app.get('/v1/lag', async () => {
    const lag = deps.latestLag();
    if (!lag) throw controllerErrors.LAG_UNKNOWN('no lag reading yet');
    return lag;
  });
  app.get('/v1/status', async () => deps.status());
  return app;
}
