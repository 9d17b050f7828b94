import { z } from 'zod';
import { type ProjectQuotaSpec, quotaModeSchema } from './project-quota.js';

/**
 * What the controller writes to Redis for a project and what the ingest and the consumer
 * read back: a JSON object per project in the `quota:effective` hash, and the default for
 * projects without a resource in `quota:default`. Written by hand, this is also the way to
 * set quotas where no Kubernetes API is at hand (see services/controller/README.md).
 */
export const effectiveQuotaSchema = z.object({
  eventsPerSecond: z.number().positive(),
  burst: z.number().int().min(1),
  maxInFlight: z.number().int().min(1).optional(),
  weight: z.number().positive().default(1),
  mode: quotaModeSchema.default('enforce'),
  /** `namespace/name` of the ProjectQuota, `default`, or anything a person writing it by hand chooses. */
  source: z.string().default('manual'),
});

export type EffectiveQuota = z.output<typeof effectiveQuotaSchema>;

export const DEFAULT_QUOTA_SOURCE = 'default';

export function toEffectiveQuota(spec: ProjectQuotaSpec, source: string): EffectiveQuota {
  const quota: EffectiveQuota = {
    eventsPerSecond: spec.eventsPerSecond,
    burst: spec.burst,
    weight: spec.weight,
    mode: spec.mode,
    source,
  };
  if (spec.maxInFlight !== undefined) quota.maxInFlight = spec.maxInFlight;
  return quota;
}

/** The stored form: keys in a fixed order, so an unchanged quota is an unchanged string. */
export function serializeQuota(quota: EffectiveQuota): string {
  const { eventsPerSecond, burst, maxInFlight, weight, mode, source } = quota;
  return JSON.stringify({ eventsPerSecond, burst, maxInFlight, weight, mode, source });
}

/** Parses a stored quota; undefined (never a throw) for anything that is not one. */
export function parseQuota(raw: string | null | undefined): EffectiveQuota | undefined {
  if (!raw) return undefined;
  try {
    const parsed = effectiveQuotaSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
