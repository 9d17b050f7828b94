import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per service (never the global one) with the default process metrics. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
