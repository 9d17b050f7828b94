import { createLogger, createShutdown, exitOnSignals, type Shutdown } from '@evh/lifecycle';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from './metrics-registry.js';
import { initTracing, type Tracing } from './tracing.js';

export interface ServiceRuntime {
  logger: Logger;
  shutdown: Shutdown;
  tracing: Tracing;
  registry: Registry;
}

/**
 * What every main.ts does first: a logger, the shutdown closed on SIGTERM/SIGINT, tracing
 * (on when OTEL_EXPORTER_OTLP_ENDPOINT is set) and the metrics registry.
 */
export function startServiceRuntime(
  service: string,
  config: { LOG_LEVEL: string; SHUTDOWN_TIMEOUT_MS: number },
  env: Record<string, string | undefined>,
): ServiceRuntime {
  const logger = createLogger(service, config.LOG_LEVEL);
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  exitOnSignals(shutdown);
  const tracing = initTracing(service, env);
  shutdown.register('tracing', () => tracing.shutdown());
  return { logger, shutdown, tracing, registry: createMetricsRegistry(service) };
}
