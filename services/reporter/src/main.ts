// The reporter process: the read side over Redis. The only impure file of the service.
import { createJobRecords, createLogQueries, createPool } from '@evh/db';
import { httpLimitsOf } from '@evh/http';
import { createKafkaClient } from '@evh/kafka';
import { exitOnStartupError, parseConfig, singleFlight } from '@evh/lifecycle';
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

  // One producer (dead-letter replays) and one admin (the consumer lag), connected on first
  // use and again after a failed connect: the read side starts and serves without Kafka, only
  // a replay answers 503 and the lag reads as unknown while Kafka is away.
  const kafka = createKafkaClient({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const producer = kafka.producer();
  const admin = kafka.admin();
  // Concurrent requests share one connect; a failed one is forgotten, so the next tries again.
  const producerReady = singleFlight(() => producer.connect(), { keepSuccess: true });
  const adminReady = singleFlight(() => admin.connect(), { keepSuccess: true });
  shutdown.register('kafka-producer', () => producer.disconnect());
  shutdown.register('kafka-admin', () => admin.disconnect());

  // Uploads' parsed entries. Not part of readiness: without PostgreSQL only the entry routes
  // answer 503, the rest of the read side serves on (the consumer migrates the schema).
  const db = createPool(config, logger);
  shutdown.register('postgres', () => db.end());

  const app = await buildReporterApp({
    logger,
    redis,
    hub,
    logStore: { queries: createLogQueries(db), records: createJobRecords(db) },
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
    resender: {
      async resend(messages) {
        await producerReady();
        await producer.send(config.EVENTS_TOPIC, messages);
      },
    },
    lag: async () => {
      await adminReady();
      return admin.consumerLag(config.CONSUMER_GROUP, config.EVENTS_TOPIC);
    },
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
