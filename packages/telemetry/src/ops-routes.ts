import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsRoutesOptions {
  registry: Registry;
  /** Each named check must pass for /readyz to answer 200. */
  readiness: Record<string, ReadinessCheck>;
}

/**
 * /healthz (the process is alive), /readyz (its connections are up) and /metrics, the same
 * in every service so that probes and scrapes need no per-service configuration.
 */
export function registerOpsRoutes(app: FastifyInstance, { registry, readiness }: OpsRoutesOptions): void {
  // Kept out of the OpenAPI documents: these are for probes and scrapers, not API clients.
  const hide = { schema: { hide: true } as Record<string, unknown> };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));

  app.get('/readyz', hide, async (_req, reply) => {
    const results: Record<string, boolean> = {};
    await Promise.all(
      Object.entries(readiness).map(async ([name, check]) => {
        try {
          results[name] = await check();
        } catch {
          results[name] = false;
        }
      }),
    );
    const ready = Object.values(results).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });

  app.get('/metrics', hide, async (_req, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
