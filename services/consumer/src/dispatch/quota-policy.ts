import type { ProjectPolicy } from './fair-scheduler.js';
import { NO_PROJECT } from './project-key.js';

/** What the scheduler needs of a quota lookup (`createQuotaCache` of @evh/quota fits). */
export interface WeightLookup {
  get(projectId: string): { weight: number; maxInFlight?: number | undefined } | undefined;
}

/**
 * The fair scheduler's policyOf, fed from the same quota table the ingest enforces: a
 * project's weight and maxInFlight, or the default quota's, or weight 1 and no bound.
 */
export function policyFromQuotas(quotas: WeightLookup): (projectKey: string) => ProjectPolicy | undefined {
  return (projectKey) => {
    if (projectKey === NO_PROJECT) return undefined;
    const quota = quotas.get(projectKey);
    return quota && { weight: quota.weight, maxInFlight: quota.maxInFlight };
  };
}
