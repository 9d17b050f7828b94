import type { ProjectQuotaObject, ProjectQuotaStatus } from '@evh/quota';
import type { Logger } from 'pino';
import type { ReconcileResult } from '../kube/work-queue.js';
import { decideQuota, nextStatus, type QuotaOutcome, statusDiffers, type Usage } from './quota-decision.js';
import type { QuotaStore } from './quota-store.js';

/** The informer's cache, as the reconciler reads it: the current objects, never events. */
export interface QuotaObjects {
  get(name: string, namespace?: string): ProjectQuotaObject | undefined;
  list(namespace?: string): readonly ProjectQuotaObject[];
}

export type StatusWriter = (namespace: string, name: string, status: ProjectQuotaStatus) => Promise<void>;

export interface QuotaReconcilerOptions {
  objects: QuotaObjects;
  store: QuotaStore;
  writeStatus: StatusWriter;
  /** Puts another key on the queue (resources that were waiting on a project a deleted one held). */
  enqueue(key: string): void;
  /** Each resource is looked at again this often, which refreshes the usage in its status. */
  usageRefreshMs: number;
  logger: Pick<Logger, 'debug' | 'info'>;
  now?: () => number;
}

export const keyOf = (o: ProjectQuotaObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

const projectOf = (o: ProjectQuotaObject) => (o.spec as { projectId?: unknown } | undefined)?.projectId;

/**
 * reconcile(key): read the resource as it is now, write its effective quota to Redis (or
 * remove what a deleted resource wrote), then say how it went in the status. Level-triggered:
 * it does not matter which event, or how many, led here.
 */
export function createQuotaReconciler(options: QuotaReconcilerOptions) {
  const now = options.now ?? Date.now;
  const { store } = options;

  async function removed(key: string, namespace: string): Promise<ReconcileResult | undefined> {
    const project = await store.remove(key);
    if (project === undefined) return undefined;
    options.logger.info({ resource: key, projectId: project }, 'quota removed with its resource');
    // A resource refused for the same project can have it now.
    for (const other of options.objects.list(namespace)) {
      if (projectOf(other) === project) options.enqueue(keyOf(other));
    }
    return undefined;
  }

  async function outcomeOf(resource: ProjectQuotaObject, key: string): Promise<[QuotaOutcome, unknown]> {
    const decision = decideQuota(resource, key);
    if (decision.kind === 'invalid') return [{ kind: 'invalid', message: decision.message }, undefined];
    try {
      const applied = await store.apply(key, decision.projectId, decision.quota);
      if (applied.result === 'conflict') {
        return [{ kind: 'conflict', projectId: decision.projectId, owner: applied.owner }, undefined];
      }
      if (applied.result === 'written') {
        options.logger.info({ resource: key, projectId: decision.projectId }, 'quota written');
      }
      return [{ kind: 'applied', projectId: decision.projectId, quota: decision.quota }, undefined];
    } catch (err) {
      return [{ kind: 'sync-failed', message: (err as Error).message }, err];
    }
  }

  return async function reconcile(key: string): Promise<ReconcileResult | undefined> {
    const { namespace, name } = splitKey(key);
    const resource = options.objects.get(name, namespace);
    if (!resource) return removed(key, namespace);

    const [outcome, failure] = await outcomeOf(resource, key);
    let usage: Usage | undefined;
    if (outcome.kind === 'applied')
      usage = await store.usage(outcome.projectId, now()).catch(() => undefined);
    const status = nextStatus({
      previous: resource.status,
      outcome,
      generation: resource.metadata?.generation,
      usage,
      now: new Date(now()),
    });
    if (statusDiffers(resource.status, status)) await options.writeStatus(namespace, name, status);
    // Thrown after the status says so: the queue retries with backoff.
    if (failure) throw failure;
    return { requeueAfterMs: options.usageRefreshMs };
  };
}
