export interface ScalePolicy {
  /** Lag one consumer replica is expected to work off; desired = ceil(totalLag / lagPerReplica). */
  lagPerReplica: number;
  minReplicas: number;
  maxReplicas: number;
  /** A scale-down waits until every recommendation of this window is below the current count. */
  stabilizationMs: number;
  /** Replicas removed per decision at most. */
  maxScaleDownStep: number;
}

export interface Recommendation {
  at: number;
  replicas: number;
}

export type ScaleReason = 'ScaleUp' | 'ScaleDown' | 'Hold' | 'Stabilizing';

export interface ScaleDecision {
  /** What the Deployment should run now. */
  replicas: number;
  /** ceil(lag / lagPerReplica), clamped: what the lag alone asks for. */
  recommended: number;
  reason: ScaleReason;
  /** The recommendations still inside the window, this one included: the input of the next call. */
  history: Recommendation[];
}

export interface ScaleInput {
  now: number;
  current: number;
  totalLag: number;
  partitions: number;
  history: Recommendation[];
  policy: ScalePolicy;
}

/** More replicas than partitions would sit idle: a partition is read by one group member. */
export function replicaCeiling(policy: ScalePolicy, partitions: number): number {
  return Math.max(policy.minReplicas, Math.min(policy.maxReplicas, partitions));
}

/**
 * KEDA's lag maths with the HPA's scale-down stabilization: up at once to the recommendation;
 * down only to the highest recommendation of the last window (so a lag oscillating around a
 * threshold keeps the higher count instead of flapping), and by at most maxScaleDownStep.
 */
export function decideScale({
  now,
  current,
  totalLag,
  partitions,
  history,
  policy,
}: ScaleInput): ScaleDecision {
  const ceiling = replicaCeiling(policy, partitions);
  const raw = Math.ceil(Math.max(0, totalLag) / policy.lagPerReplica);
  const recommended = Math.min(ceiling, Math.max(policy.minReplicas, raw));
  const kept = history.filter((r) => r.at > now - policy.stabilizationMs);
  const next = [...kept, { at: now, replicas: recommended }];

  if (recommended > current) return { replicas: recommended, recommended, reason: 'ScaleUp', history: next };
  const stabilized = Math.max(...next.map((r) => r.replicas));
  // A count above the ceiling (maxReplicas lowered) comes down without waiting, in steps too.
  const target = Math.min(current, stabilized, ceiling);
  if (target < current) {
    const replicas = Math.max(target, current - policy.maxScaleDownStep);
    return { replicas, recommended, reason: 'ScaleDown', history: next };
  }
  return {
    replicas: current,
    recommended,
    reason: recommended < current ? 'Stabilizing' : 'Hold',
    history: next,
  };
}
