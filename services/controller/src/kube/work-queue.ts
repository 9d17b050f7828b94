import { backoffDelay } from '@evh/lifecycle';

export interface ReconcileResult {
  /** Look at the key again after this long even if nothing changes (e.g. to refresh usage). */
  requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  reconcile(key: string): Promise<ReconcileResult | undefined>;
  /** Keys reconciled at once; one key is never reconciled twice at the same time. */
  concurrency: number;
  /** Retry delay after the first failure of a key, doubled per failure up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  onError?(key: string, err: unknown, retryInMs: number): void;
}

export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, ms: number): void;
  start(): void;
  /** Stops taking keys, forgets the queued ones and waits for the running reconciles. */
  stop(): Promise<void>;
  readonly length: number;
}

/**
 * client-go's work queue, small: a key waiting is queued once however often it is added; a
 * key added while it is being reconciled is reconciled again afterwards (the state may have
 * moved on); a failing key is retried with exponential backoff; a success resets it.
 */
export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const queue: string[] = [];
  const queued = new Set<string>();
  const processing = new Set<string>();
  const dirty = new Set<string>();
  const failures = new Map<string, number>();
  /** One pending timer per key, the earliest asked for: requeues do not pile up. */
  const delayed = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  const running = new Set<Promise<void>>();
  let started = false;

  function add(key: string): void {
    if (!started) return;
    if (processing.has(key)) {
      dirty.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    queue.push(key);
    pump();
  }

  function addAfter(key: string, ms: number): void {
    if (!started) return;
    const at = Date.now() + ms;
    const pending = delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      delayed.delete(key);
      add(key);
    }, ms);
    timer.unref();
    delayed.set(key, { timer, at });
  }

  function pump(): void {
    while (started && running.size < options.concurrency) {
      const index = queue.findIndex((k) => !processing.has(k));
      if (index < 0) return;
      const [key] = queue.splice(index, 1) as [string];
      queued.delete(key);
      processing.add(key);
      const work: Promise<void> = reconcileOnce(key).finally(() => {
        running.delete(work);
        processing.delete(key);
        if (dirty.delete(key)) add(key);
        pump();
      });
      running.add(work);
    }
  }

  async function reconcileOnce(key: string): Promise<void> {
    try {
      const result = await options.reconcile(key);
      failures.delete(key);
      if (result?.requeueAfterMs !== undefined) addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const n = (failures.get(key) ?? 0) + 1;
      failures.set(key, n);
      const delay = backoffDelay(n, { initialMs: options.baseDelayMs, maxMs: options.maxDelayMs });
      options.onError?.(key, err, delay);
      addAfter(key, delay);
    }
  }

  return {
    add,
    addAfter,
    get length() {
      return queue.length;
    },
    start() {
      started = true;
      pump();
    },
    async stop() {
      started = false;
      for (const { timer } of delayed.values()) clearTimeout(timer);
      delayed.clear();
      queue.length = 0;
      queued.clear();
      dirty.clear();
      failures.clear();
      await Promise.allSettled([...running]);
    },
  };
}
