import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { registerHttpMetrics } from './http-metrics.js';

export type ReadinessCheck = () => Promise<boolean> | boolean;
export type LivenessCheck = ReadinessCheck;

/** A probe's check that has not answered in this long counts as failed. */
export const DEFAULT_CHECK_TIMEOUT_MS = 800;

export interface OpsRoutesOptions {
  registry: Registry;
  /** Each named check must pass for /readyz to answer 200. */
  readiness: Record<string, ReadinessCheck>;
  /**
   * Each named check must pass for /healthz to answer 200. Without any, answering at all is
   * being alive. A failed /healthz makes Kubernetes restart the pod: only for states that a
   * restart can cure (a stuck worker), never for a dependency that is down.
   */
  liveness?: Record<string, LivenessCheck>;
  /** Default DEFAULT_CHECK_TIMEOUT_MS, below the kubelet's default probe timeout of 1 s. */
  checkTimeoutMs?: number;
}

/** Runs every check at once; a check that throws or does not answer in time is false. */
async function runChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<{ ok: boolean; results: Record<string, boolean> }> {
  const results: Record<string, boolean> = {};
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        results[name] = await Promise.race([Promise.resolve().then(check), late]);
      } catch {
        results[name] = false;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: Object.values(results).every(Boolean), results };
}

/**
 * evh_dependency_up{dependency}: each readiness check (redis, kafka, storage, …) run at
 * scrape time, 1 when it passed. The alerts on Redis and Kafka read it.
 */
function registerDependencyGauge(
  registry: Registry,
  readiness: Record<string, ReadinessCheck>,
  timeoutMs: number,
) {
  if (registry.getSingleMetric('evh_dependency_up')) return;
  new Gauge({
    name: 'evh_dependency_up',
    help: 'Whether a dependency answered the readiness check at scrape time (1) or not (0)',
    labelNames: ['dependency'],
    registers: [registry],
    async collect() {
      const { results } = await runChecks(readiness, timeoutMs);
      for (const [dependency, up] of Object.entries(results)) this.set({ dependency }, up ? 1 : 0);
    },
  });
}

/**
 * /healthz (the process is alive), /readyz (its dependencies answer now) and /metrics, the
 * same in every service so that probes and scrapes need no per-service configuration. Every
 * check is bounded, so a probe never hangs on a dependency that hangs. Also the metrics every
 * service has: requests by route and status, and its dependencies' state.
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  { registry, readiness, liveness, checkTimeoutMs = DEFAULT_CHECK_TIMEOUT_MS }: OpsRoutesOptions,
): void {
  // Kept out of the OpenAPI documents: these are for probes and scrapers, not API clients.
  const hide = { schema: { hide: true } as Record<string, unknown> };
  registerHttpMetrics(app, registry);
  registerDependencyGauge(registry, readiness, checkTimeoutMs);

  app.get('/healthz', hide, async (_req, reply) => {
    if (!liveness) return { status: 'ok' };
    const { ok, results } = await runChecks(liveness, checkTimeoutMs);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'stalled', checks: results });
  });

  app.get('/readyz', hide, async (_req, reply) => {
    const { ok, results } = await runChecks(readiness, checkTimeoutMs);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks: results });
  });

  app.get('/metrics', hide, async (_req, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
