// The controller process: watches the consumer group's lag (and, in later issues, reconciles
// ProjectQuota resources and scales the consumer). The only impure file of the service.
import { createKafka } from '@evh/kafka';
import { createLogger, createShutdown, exitOnSignals, exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { createMetricsRegistry, initTracing } from '@evh/telemetry';
import { buildControllerApp } from './app.js';
import { controllerConfigSchema } from './config.js';
import { createLagMonitor } from './lag-monitor.js';

const SERVICE = 'controller';

async function main(): Promise<void> {
  const config = parseConfig(controllerConfigSchema, process.env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  exitOnSignals(shutdown);

  const tracing = initTracing(SERVICE, process.env);
  shutdown.register('tracing', () => tracing.shutdown());
  const registry = createMetricsRegistry(SERVICE);

  const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  shutdown.register('kafka-admin', () => admin.disconnect());

  const lag = createLagMonitor({
    admin,
    groupId: config.CONSUMER_GROUP,
    topic: config.EVENTS_TOPIC,
    intervalMs: config.LAG_POLL_INTERVAL_MS,
    registry,
    logger,
  });
  lag.start();
  shutdown.register('lag-monitor', () => lag.stop());

  const app = buildControllerApp({
    logger,
    registry,
    readiness: { kafka: async () => (await admin.describeCluster()).brokers.length > 0 },
    latestLag: () => lag.latest(),
  });
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err) => exitOnStartupError(SERVICE, err));
