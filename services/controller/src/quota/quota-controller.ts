import { createPeriodicTask, type PeriodicTask } from '@evh/lifecycle';
import type { EffectiveQuota, ProjectQuotaObject } from '@evh/quota';
import type { Logger } from 'pino';
import { createRestartingInformer, type InformerLike } from '../kube/restarting-informer.js';
import { createWorkQueue } from '../kube/work-queue.js';
import type { ControllerMetrics } from '../metrics.js';
import { createQuotaReconciler, keyOf, type QuotaObjects, type StatusWriter } from './quota-reconciler.js';
import type { QuotaStore } from './quota-store.js';

export interface QuotaControllerOptions {
  /** The client's informer on ProjectQuotas of `namespace`, with its cache. */
  informer: InformerLike<ProjectQuotaObject> & QuotaObjects;
  namespace: string;
  store: QuotaStore;
  /** The quota of projects without a resource (none: unlimited); written again every usageRefreshMs. */
  defaultQuota: EffectiveQuota | undefined;
  writeStatus: StatusWriter;
  usageRefreshMs: number;
  concurrency: number;
  metrics: ControllerMetrics;
  logger: Logger;
}

export interface QuotaController {
  /** Starts watching and reconciling (the leader only). */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly synced: boolean;
}

/**
 * The informer puts keys on the queue; the queue's workers reconcile them. After every
 * (re)list, every resource is queued, and so is every resource that still owns a quota in
 * Redis but is gone from the list: it was deleted while no controller watched.
 */
export function createQuotaController(options: QuotaControllerOptions): QuotaController {
  const { metrics, logger, store, namespace } = options;
  let queue: ReturnType<typeof createWorkQueue> | undefined;
  let defaultLoop: PeriodicTask | undefined;

  async function applyDefault(): Promise<void> {
    try {
      if (await store.setDefault(options.defaultQuota))
        logger.info({ quota: options.defaultQuota }, 'default quota set');
    } catch (err) {
      logger.warn({ err }, 'writing the default quota failed; trying again');
    }
  }

  const reconcile = createQuotaReconciler({
    objects: options.informer,
    store,
    writeStatus: options.writeStatus,
    enqueue: (key) => queue?.add(key),
    usageRefreshMs: options.usageRefreshMs,
    logger,
  });

  async function sweep(): Promise<void> {
    for (const o of options.informer.list(namespace)) queue?.add(keyOf(o));
    try {
      const known = new Set(options.informer.list(namespace).map(keyOf));
      for (const key of await store.owners()) {
        if (key.startsWith(`${namespace}/`) && !known.has(key)) queue?.add(key);
      }
    } catch (err) {
      logger.warn({ err }, 'listing quota owners failed; orphans are looked for after the next list');
    }
  }

  const informer = createRestartingInformer<ProjectQuotaObject>({
    informer: options.informer,
    onChange: (o) => queue?.add(keyOf(o)),
    onSynced: () => void sweep(),
    onRestart: () => metrics.watchRestarts.inc(),
    logger,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
  });

  return {
    get synced() {
      return informer.synced;
    },
    async start() {
      queue = createWorkQueue({
        concurrency: options.concurrency,
        baseDelayMs: 200,
        maxDelayMs: 60_000,
        async reconcile(key) {
          const end = metrics.reconcileSeconds.startTimer();
          try {
            const result = await reconcile(key);
            metrics.reconciles.inc({ result: 'ok' });
            return result;
          } catch (err) {
            metrics.reconciles.inc({ result: 'error' });
            throw err;
          } finally {
            end();
          }
        },
        onError: (key, err, retryInMs) => logger.warn({ err, resource: key, retryInMs }, 'reconcile failed'),
      });
      queue.start();
      // Rewritten periodically (a no-op when unchanged), so a flushed Redis gets it back.
      await applyDefault();
      // A new loop per leadership term: a stopped task does not start again.
      defaultLoop = createPeriodicTask({
        intervalMs: options.usageRefreshMs,
        run: applyDefault,
        onError: () => {},
      });
      defaultLoop.start();
      await informer.start();
    },
    async stop() {
      await defaultLoop?.stop();
      defaultLoop = undefined;
      await informer.stop();
      await queue?.stop();
      queue = undefined;
    },
  };
}
