// The reporter process: the read side over Redis. The only impure file of the service.
import { createLogger, createShutdown, exitOnSignals, exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { createRedis } from '@evh/redis';
import { createMetricsRegistry, initTracing } from '@evh/telemetry';
import { buildReporterApp } from './app.js';
import { reporterConfigSchema } from './config.js';
import { createProgressHub } from './jobs/progress-hub.js';

const SERVICE = 'reporter';

async function main(): Promise<void> {
  const config = parseConfig(reporterConfigSchema, process.env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  exitOnSignals(shutdown);

  const tracing = initTracing(SERVICE, process.env);
  shutdown.register('tracing', () => tracing.shutdown());
  const registry = createMetricsRegistry(SERVICE);

  const redis = createRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    name: SERVICE,
    onError: (err) => logger.warn({ err }, 'redis connection error'),
  });
  await redis.connect();
  shutdown.register('redis', async () => {
    await redis.quit();
  });

  // Pub/sub needs a connection of its own: a subscribed connection runs no other command.
  const subscriber = createRedis({
    url: config.REDIS_URL,
    name: `${SERVICE}-progress`,
    onError: (err) => logger.warn({ err }, 'redis subscriber connection error'),
  });
  await subscriber.connect();
  shutdown.register('redis-subscriber', async () => {
    await subscriber.quit();
  });
  const hub = createProgressHub(subscriber, config.REDIS_KEY_PREFIX, logger);
  await hub.start();

  const app = await buildReporterApp({
    logger,
    redis,
    hub,
    ingestUrl: config.PUBLIC_INGEST_URL,
    registry,
    tracer: tracing.enabled ? tracing.tracer : undefined,
    readiness: { redis: () => redis.status === 'ready' },
  });
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err) => exitOnStartupError(SERVICE, err));
