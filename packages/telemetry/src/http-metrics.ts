import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The route label of a request: its pattern (bounded), never the URL (unbounded). */
function routeOf(url: string | undefined): string {
  return url ?? 'unmatched';
}

function metric<T>(registry: Registry, name: string, make: () => T): T {
  // A second app on the same registry (tests build several) shares the first one's metric.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * Requests by route pattern, method and status, and their duration by route: the same in
 * every service. A URL no route matches counts as `unmatched`, so scanners cannot add series.
 * /metrics itself is left out: the scrapes would be most of the traffic.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = metric(
    registry,
    'evh_http_requests_total',
    () =>
      new Counter({
        name: 'evh_http_requests_total',
        help: 'HTTP requests answered, by route pattern, method and status code',
        labelNames: ['route', 'method', 'status'],
        registers: [registry],
      }),
  );
  const seconds = metric(
    registry,
    'evh_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'evh_http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by route pattern',
        labelNames: ['route'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
        registers: [registry],
      }),
  );
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request.routeOptions.url);
    if (route !== '/metrics') {
      requests.inc({ route, method: request.method, status: String(reply.statusCode) });
      seconds.observe({ route }, reply.elapsedTime / 1000);
    }
    done();
  });
}
