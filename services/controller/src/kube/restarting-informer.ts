import { backoffDelay } from '@evh/lifecycle';
import type { Logger } from 'pino';

/** The part of @kubernetes/client-node's informer this module drives (its ListWatch fits). */
export interface InformerLike<T> {
  on(verb: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
  on(verb: 'error', cb: (err?: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RestartingInformerOptions<T> {
  informer: InformerLike<T>;
  onChange(obj: T): void;
  /** Called after each successful (re)start: the cache holds the whole list again. */
  onSynced?(): void;
  onRestart?(err: unknown, delayMs: number): void;
  logger: Pick<Logger, 'warn'>;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RestartingInformer {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly synced: boolean;
}

/**
 * The client's informer re-lists by itself after a 410 (expired resourceVersion) and a client
 * timeout, but stops for good on any other error (a 403, a reset connection, the CRD not yet
 * installed). This restarts it with exponential backoff for as long as the controller runs:
 * a watch error is never a reason to exit.
 */
export function createRestartingInformer<T>(options: RestartingInformerOptions<T>): RestartingInformer {
  const { informer } = options;
  let stopped = true;
  let synced = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;

  function fail(err: unknown): void {
    if (stopped) return;
    synced = false;
    failures++;
    const delayMs = backoffDelay(failures, { initialMs: options.baseDelayMs, maxMs: options.maxDelayMs });
    options.logger.warn({ err, delayMs, failures }, 'watch failed; restarting it');
    options.onRestart?.(err, delayMs);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      attempt = run();
    }, delayMs);
  }

  async function run(): Promise<void> {
    if (stopped) return;
    const before = failures;
    try {
      await informer.start();
    } catch (err) {
      fail(err);
      return;
    }
    if (!stopped && failures === before) {
      synced = true;
      failures = 0;
      options.onSynced?.();
    }
  }

  informer.on('error', fail);
  for (const verb of ['add', 'update', 'delete'] as const) {
    informer.on(verb, (obj) => {
      if (!stopped) options.onChange(obj);
    });
  }

  return {
    get synced() {
      return synced;
    },
    async start() {
      stopped = false;
      failures = 0;
      attempt = run();
      await attempt;
    },
    async stop() {
      stopped = true;
      synced = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await attempt;
      await informer.stop();
    },
  };
}
