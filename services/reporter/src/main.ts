// The reporter process: the read side over Redis. The only impure file of the service.
import { httpLimitsOf } from '@evh/http';
import { exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { createCredentialCache, createFailureThrottle } from '@evh/projects';
import { connectRedis } from '@evh/redis';
import { startServiceRuntime } from '@evh/telemetry';
import { buildReporterApp } from './app.js';
import { reporterConfigSchema } from './config.js';
import { createProgressHub } from './jobs/progress-hub.js';

const SERVICE = 'reporter';

async function main(): Promise<void> {
  const config = parseConfig(reporterConfigSchema, process.env);
  const { logger, shutdown, tracing, registry } = startServiceRuntime(SERVICE, config, process.env);

  const redis = await connectRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    name: 'redis',
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    logger,
    shutdown,
  });

  // Pub/sub needs a connection of its own: a subscribed connection runs no other command.
  const subscriber = await connectRedis({
    url: config.REDIS_URL,
    name: 'redis-subscriber',
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    logger,
    shutdown,
  });
  const hub = createProgressHub(subscriber, config.REDIS_KEY_PREFIX, logger);
  await hub.start();

  const credentials = createCredentialCache(redis, { refreshMs: config.AUTH_REFRESH_MS, logger });
  await credentials.start();
  shutdown.register('credential-cache', () => credentials.stop());

  const app = await buildReporterApp({
    logger,
    redis,
    hub,
    ingestUrl: config.PUBLIC_INGEST_URL,
    auth: {
      mode: config.AUTH,
      credentials,
      adminToken: config.ADMIN_TOKEN,
      throttle: createFailureThrottle({
        limit: config.AUTH_FAILURE_LIMIT,
        windowMs: config.AUTH_FAILURE_WINDOW_MS,
      }),
    },
    keyGraceMs: config.KEY_GRACE_MS,
    httpLimits: httpLimitsOf(config),
    registry,
    tracer: tracing.enabled ? tracing.tracer : undefined,
    readiness: {
      // The state now: a Redis that stopped answering keeps its socket, and `status` with it,
      // so a PING (bounded by the probe's check timeout) says whether it serves reads.
      redis: async () => redis.status === 'ready' && (await redis.ping()) === 'PONG',
      // Job progress over WebSocket needs the subscription.
      'redis-subscriber': () => subscriber.status === 'ready',
    },
  });
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
  if (config.AUTH === 'off') logger.warn('AUTH=off: every route is open (development only)');
}

main().catch((err) => exitOnStartupError(SERVICE, err));
