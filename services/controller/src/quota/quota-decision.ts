import {
  type Condition,
  type EffectiveQuota,
  type ProjectQuotaObject,
  type ProjectQuotaStatus,
  projectQuotaSpecSchema,
  toEffectiveQuota,
} from '@evh/quota';

export type QuotaDecision =
  | { kind: 'apply'; projectId: string; quota: EffectiveQuota }
  | { kind: 'invalid'; message: string };

/** What the reconciler writes for a resource: its effective quota, or why there is none. */
export function decideQuota(resource: ProjectQuotaObject, key: string): QuotaDecision {
  const parsed = projectQuotaSpecSchema.safeParse(resource.spec);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => `spec.${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { kind: 'invalid', message };
  }
  return { kind: 'apply', projectId: parsed.data.projectId, quota: toEffectiveQuota(parsed.data, key) };
}

/** How the last reconcile went; the status says it in the Ready condition. */
export type QuotaOutcome =
  | { kind: 'applied'; quota: EffectiveQuota; projectId: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'conflict'; projectId: string; owner: string }
  | { kind: 'sync-failed'; message: string };

export interface Usage {
  accepted: number;
  throttled: number;
}

function readyCondition(outcome: QuotaOutcome): Pick<Condition, 'status' | 'reason' | 'message'> {
  switch (outcome.kind) {
    case 'applied': {
      const q = outcome.quota;
      const inFlight = q.maxInFlight === undefined ? '' : `, at most ${q.maxInFlight} in flight`;
      return {
        status: 'True',
        reason: 'QuotaApplied',
        message: `${outcome.projectId}: ${q.eventsPerSecond} events/s, burst ${q.burst}, weight ${q.weight}${inFlight}, ${q.mode}`,
      };
    }
    case 'invalid':
      return {
        status: 'False',
        reason: 'InvalidSpec',
        message: `${outcome.message} (the quota last applied for this resource, if any, stays in effect)`,
      };
    case 'conflict':
      return {
        status: 'False',
        reason: 'ProjectConflict',
        message: `project ${outcome.projectId} already has a quota from ${outcome.owner}; this one is not applied`,
      };
    case 'sync-failed':
      return {
        status: 'False',
        reason: 'SyncFailed',
        message: `writing the quota to Redis failed: ${outcome.message}`,
      };
  }
}

/**
 * The status a reconcile leaves: Ready per the outcome (its transition time kept while the
 * status does not change, as Kubernetes conditions do), the generation it describes, and
 * the usage figures when they could be read (else the previous ones).
 */
export function nextStatus(input: {
  previous: ProjectQuotaStatus | undefined;
  outcome: QuotaOutcome;
  generation: number | undefined;
  usage: Usage | undefined;
  now: Date;
}): ProjectQuotaStatus {
  const { previous, outcome, generation, usage, now } = input;
  const ready = readyCondition(outcome);
  const before = previous?.conditions?.find((c) => c.type === 'Ready');
  const condition: Condition = {
    type: 'Ready',
    ...ready,
    lastTransitionTime:
      before && before.status === ready.status
        ? before.lastTransitionTime
        : now.toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  if (generation !== undefined) condition.observedGeneration = generation;
  const others = previous?.conditions?.filter((c) => c.type !== 'Ready') ?? [];
  const status: ProjectQuotaStatus = { conditions: [...others, condition] };
  if (generation !== undefined) status.observedGeneration = generation;
  const accepted = usage?.accepted ?? previous?.acceptedLastMinute;
  const throttled = usage?.throttled ?? previous?.throttledLastMinute;
  if (accepted !== undefined) status.acceptedLastMinute = accepted;
  if (throttled !== undefined) status.throttledLastMinute = throttled;
  return status;
}

/** Whether a status write would change anything (so a resync writes only real changes). */
export function statusDiffers(a: ProjectQuotaStatus | undefined, b: ProjectQuotaStatus): boolean {
  return JSON.stringify(normalize(a)) !== JSON.stringify(normalize(b));
}

function normalize(s: ProjectQuotaStatus | undefined) {
  if (!s) return undefined;
  return {
    observedGeneration: s.observedGeneration,
    acceptedLastMinute: s.acceptedLastMinute,
    throttledLastMinute: s.throttledLastMinute,
    conditions: (s.conditions ?? []).map((c) => [
      c.type,
      c.status,
      c.reason,
      c.message,
      c.lastTransitionTime,
      c.observedGeneration,
    ]),
  };
}
