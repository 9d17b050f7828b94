import { topicsEnvShape } from '@evh/events';
import { httpLimitsEnvShape } from '@evh/http';
import { brokerProbeEnvShape, kafkaEnvShape } from '@evh/kafka';
import { envBool, envInt, serviceEnvShape } from '@evh/lifecycle';
import { DEFAULT_QUOTA_SOURCE, type EffectiveQuota, quotaModeSchema } from '@evh/quota';
import { redisEnvShape } from '@evh/redis';
import { z } from 'zod';
import type { ScalePolicy } from './scale/scale-decision.js';

export const controllerConfigSchema = z
  .object({
    ...serviceEnvShape(3003),
    ...kafkaEnvShape,
    ...brokerProbeEnvShape,
    ...topicsEnvShape,
    ...redisEnvShape,
    ...httpLimitsEnvShape,
    /** How often the consumer group's lag is read (the autoscaler's pollInterval). */
    LAG_POLL_INTERVAL_MS: envInt(15_000, 100),

    /** auto: use Kubernetes when KUBECONFIG is set or the process runs in a pod. */
    KUBE_MODE: z.enum(['auto', 'on', 'off']).default('auto'),
    KUBECONFIG: z.string().optional(),
    KUBERNETES_SERVICE_HOST: z.string().optional(),
    /** Namespace of the ProjectQuotas, the Lease, the consumer Deployment and the Events. */
    WATCH_NAMESPACE: z.string().min(1).optional(),
    POD_NAMESPACE: z.string().min(1).optional(),
    /** This replica's identity in the Lease (the downward API's pod name). */
    POD_NAME: z.string().min(1).optional(),
    LEASE_NAME: z.string().min(1).default('evh-controller'),
    LEASE_DURATION_MS: envInt(15_000, 1000),
    LEASE_RENEW_DEADLINE_MS: envInt(10_000, 100),
    LEASE_RETRY_PERIOD_MS: envInt(2000, 50),
    RECONCILE_CONCURRENCY: envInt(4, 1),
    /** Each ProjectQuota is reconciled at least this often, which refreshes its usage figures. */
    USAGE_REFRESH_MS: envInt(15_000, 100),

    /** The quota of projects without a ProjectQuota; 0 events/s means none (unlimited). */
    DEFAULT_QUOTA_EVENTS_PER_SECOND: envInt(0, 0),
    /** 0: twice the rate. */
    DEFAULT_QUOTA_BURST: envInt(0, 0),
    DEFAULT_QUOTA_WEIGHT: envInt(1, 1),
    /** 0: unbounded. */
    DEFAULT_QUOTA_MAX_IN_FLIGHT: envInt(0, 0),
    DEFAULT_QUOTA_MODE: quotaModeSchema.default('enforce'),

    AUTOSCALE: envBool(true),
    CONSUMER_DEPLOYMENT: z.string().min(1).default('evh-consumer'),
    LAG_PER_REPLICA: envInt(1000, 1),
    MIN_REPLICAS: envInt(1, 0),
    MAX_REPLICAS: envInt(12, 1),
    SCALE_DOWN_STABILIZATION_MS: envInt(300_000, 0),
    SCALE_DOWN_MAX_STEP: envInt(1, 1),
  })
  .superRefine((c, ctx) => {
    const rule = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    rule(c.MIN_REPLICAS <= c.MAX_REPLICAS, 'MIN_REPLICAS', 'must not exceed MAX_REPLICAS');
    rule(
      c.LEASE_RENEW_DEADLINE_MS < c.LEASE_DURATION_MS,
      'LEASE_RENEW_DEADLINE_MS',
      'must be below LEASE_DURATION_MS',
    );
    rule(
      c.LEASE_RETRY_PERIOD_MS < c.LEASE_RENEW_DEADLINE_MS,
      'LEASE_RETRY_PERIOD_MS',
      'must be below LEASE_RENEW_DEADLINE_MS',
    );
    rule(
      c.DEFAULT_QUOTA_BURST === 0 || c.DEFAULT_QUOTA_BURST >= c.DEFAULT_QUOTA_EVENTS_PER_SECOND,
      'DEFAULT_QUOTA_BURST',
      'must be at least DEFAULT_QUOTA_EVENTS_PER_SECOND',
    );
  });

export type ControllerConfig = z.output<typeof controllerConfigSchema>;

export function kubeEnabled(c: ControllerConfig): boolean {
  return (
    c.KUBE_MODE === 'on' || (c.KUBE_MODE === 'auto' && Boolean(c.KUBECONFIG || c.KUBERNETES_SERVICE_HOST))
  );
}

export function watchNamespace(c: ControllerConfig): string {
  return c.WATCH_NAMESPACE ?? c.POD_NAMESPACE ?? 'event-horizon';
}

export function defaultQuota(c: ControllerConfig): EffectiveQuota | undefined {
  if (c.DEFAULT_QUOTA_EVENTS_PER_SECOND === 0) return undefined;
  const quota: EffectiveQuota = {
    eventsPerSecond: c.DEFAULT_QUOTA_EVENTS_PER_SECOND,
    burst: c.DEFAULT_QUOTA_BURST || 2 * c.DEFAULT_QUOTA_EVENTS_PER_SECOND,
    weight: c.DEFAULT_QUOTA_WEIGHT,
    mode: c.DEFAULT_QUOTA_MODE,
    source: DEFAULT_QUOTA_SOURCE,
  };
  if (c.DEFAULT_QUOTA_MAX_IN_FLIGHT > 0) quota.maxInFlight = c.DEFAULT_QUOTA_MAX_IN_FLIGHT;
  return quota;
}

export function scalePolicy(c: ControllerConfig): ScalePolicy {
  return {
    lagPerReplica: c.LAG_PER_REPLICA,
    minReplicas: c.MIN_REPLICAS,
    maxReplicas: c.MAX_REPLICAS,
    stabilizationMs: c.SCALE_DOWN_STABILIZATION_MS,
    maxScaleDownStep: c.SCALE_DOWN_MAX_STEP,
  };
}
