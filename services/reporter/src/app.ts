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
import type { GroupLag } from '@evh/kafka';
import { type AuthOptions, createProjectStore, registerAuth } from '@evh/projects';
import type { Redis } from '@evh/redis';
import { type ReadinessCheck, registerOpsRoutes, registerRequestTracing } from '@evh/telemetry';
import websocket from '@fastify/websocket';
import type { Tracer } from '@opentelemetry/api';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createCrashStore } from './crashes/crash-store.js';
import { graphqlErrorFormatter } from './graphql-errors.js';
import { jobResolvers, jobSchema } from './graphql-schema.js';
import { createJobReader } from './jobs/job-reader.js';
import type { ProgressHub } from './jobs/progress-hub.js';
import { createDlqReplayer, type EventResender } from './pipeline/dlq-replayer.js';
import { registerConsole } from './routes/console.js';
import { registerCrashRoutes } from './routes/crashes.js';
import { registerJobSocket } from './routes/job-socket.js';
import { registerJobRoutes } from './routes/jobs.js';
import { type LogStore, registerLogEntryRoutes } from './routes/log-entries.js';
import { registerPipelineRoutes } from './routes/pipeline.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerQuotaRoutes } from './routes/quota.js';

export interface ReporterDeps {
  logger: Logger;
  redis: Redis;
  hub: ProgressHub;
  /** Where the console's upload sends files. */
  ingestUrl: string;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  /** Server spans per request when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracer?: Tracer;
  /** How slowly a client may send, and how many connections at once (defaults when absent). */
  httpLimits?: HttpLimits;
  /** Who may use which route (authOff() for development and tests not about auth). */
  auth: AuthOptions;
  /** How long the keys a rotation replaces keep working (default 24 h). */
  keyGraceMs?: number;
  /** The ingest's address as SDKs reach it, for DSNs (default: ingestUrl). */
  publicIngestUrl?: string;
  /** Produces replayed dead letters; without it (no Kafka) a replay answers 503. */
  resender?: EventResender;
  /** The consumer group's lag; without it the pipeline health reports none. */
  lag?: () => Promise<GroupLag>;
  /** Uploads' parsed entries in PostgreSQL; without it their routes answer 503. */
  logStore?: LogStore;
}

/** The read side: everything the platform knows, served from Redis. */
export async function buildReporterApp(deps: ReporterDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const httpLimits = deps.httpLimits ?? defaultHttpLimits;
  const app = Fastify({ loggerInstance, ...httpServerOptions(httpLimits) });
  // First, so that it sees every route registered after it (and refuses one without a policy).
  registerAuth(app, { ...deps.auth, pluginRoutes: { '/graphql': 'read' } });
  guardSlowRequests(app, httpLimits);
  useZodValidation(app);
  app.setErrorHandler(errorHandler);
  // A coded error like any other 404, rendered by the one error mapping.
  app.setNotFoundHandler((request, reply) =>
    errorHandler(httpErrors.NOT_FOUND(`no route ${request.method} ${request.url}`), request, reply),
  );
  if (deps.tracer) registerRequestTracing(app, deps.tracer);
  registerOpsRoutes(app, { registry: deps.registry, readiness: deps.readiness });
  await registerApiDocs(app, {
    title: 'Event Horizon reporter',
    description: 'The read side: pipeline state, crash statistics, custom counters, issues, search.',
    version: '0.1.0',
  });
  await app.register(websocket);
  const jobs = createJobReader(deps.redis, deps.logStore?.records);
  await app.register(mercurius, {
    schema: jobSchema,
    resolvers: jobResolvers(jobs),
    path: '/graphql',
    errorFormatter: graphqlErrorFormatter,
  });
  // Routes go in after the docs plugin so that its onRoute hook sees them.
  await app.register(async (api) => {
    registerProjectRoutes(api, {
      projects: createProjectStore(deps.redis, { graceMs: deps.keyGraceMs ?? 24 * 60 * 60 * 1000 }),
      publicIngestUrl: deps.publicIngestUrl ?? deps.ingestUrl,
      changed: async () => {
        // Best effort: the periodic refresh catches up when this read fails.
        await deps.auth.credentials.refresh?.().catch(() => undefined);
      },
    });
    registerPipelineRoutes(api, {
      redis: deps.redis,
      replayer: createDlqReplayer(deps.redis, deps.resender),
      lag: deps.lag,
    });
    registerQuotaRoutes(api, deps.redis);
    registerCrashRoutes(api, createCrashStore(deps.redis));
    registerJobRoutes(api, jobs);
    registerLogEntryRoutes(api, deps.logStore);
    registerJobSocket(api, jobs, deps.hub);
    registerConsole(api, deps.ingestUrl);
  });
  return app;
}
