import type { GroupLag } from '@evh/kafka';
import { type AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { controllerErrors } from '../errors.js';
import { isNotFound } from '../kube/api-status.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { ControllerMetrics } from '../metrics.js';
import { decideScale, type Recommendation, type ScaleDecision, type ScalePolicy } from './scale-decision.js';

export interface AutoscalerOptions {
  api: AppsV1Api;
  recorder: EventRecorder;
  namespace: string;
  deployment: string;
  policy: ScalePolicy;
  metrics: ControllerMetrics;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
}

export interface LastScale {
  at: number;
  lag: number;
  current: number;
  decision: Omit<ScaleDecision, 'history'>;
}

export interface Autoscaler {
  /** One round on a fresh lag reading: read the scale, decide, patch when it changes. */
  onLag(lag: GroupLag): Promise<LastScale | undefined>;
  /** Forgets the window: a new leader first waits a whole window before scaling down. */
  reset(): void;
  last(): LastScale | undefined;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Scales the consumer Deployment through its `scale` subresource, the only part it may touch. */
export function createAutoscaler(options: AutoscalerOptions): Autoscaler {
  const now = options.now ?? Date.now;
  const { api, namespace, deployment: name, metrics } = options;
  let history: Recommendation[] | undefined;
  let last: LastScale | undefined;

  async function readScale() {
    try {
      return await api.readNamespacedDeploymentScale({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) {
        throw controllerErrors.SCALE_TARGET_MISSING(`deployment ${namespace}/${name} does not exist`, {
          cause: err,
        });
      }
      throw controllerErrors.KUBE_API_FAILED(
        `reading the scale of ${namespace}/${name}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  async function round(lag: GroupLag): Promise<LastScale> {
    const scale = await readScale();
    const current = scale.spec?.replicas ?? 0;
    const at = now();
    history ??= [{ at, replicas: current }];
    const decision = decideScale({
      now: at,
      current,
      totalLag: lag.total,
      partitions: lag.partitions.length,
      history,
      policy: options.policy,
    });
    history = decision.history;
    metrics.scaleDecisions.inc({ reason: decision.reason });
    metrics.desiredReplicas.set(decision.replicas);
    metrics.currentReplicas.set(current);
    metrics.recommendedReplicas.set(decision.recommended);
    if (decision.replicas !== current) {
      await api.patchNamespacedDeploymentScale(
        { name, namespace, body: { spec: { replicas: decision.replicas } } },
        mergePatch,
      );
      const note = `lag ${lag.total} on ${lag.partitions.length} partitions at ${options.policy.lagPerReplica} per replica: ${current} -> ${decision.replicas} replicas`;
      options.logger.info(
        { lag: lag.total, from: current, to: decision.replicas, reason: decision.reason },
        'scaled the consumer',
      );
      await options.recorder.record({
        regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace, uid: scale.metadata?.uid },
        type: 'Normal',
        reason: decision.reason === 'ScaleUp' ? 'ScaledUp' : 'ScaledDown',
        action: 'Scale',
        note,
      });
    }
    const { history: _h, ...rest } = decision;
    last = { at, lag: lag.total, current, decision: rest };
    return last;
  }

  return {
    async onLag(lag) {
      try {
        return await round(lag);
      } catch (err) {
        metrics.scaleErrors.inc();
        options.logger.warn({ err }, 'autoscaler round failed; trying again on the next reading');
        return undefined;
      }
    },
    reset() {
      history = undefined;
    },
    last: () => last,
  };
}
