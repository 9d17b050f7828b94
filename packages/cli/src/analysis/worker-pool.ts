import { type ResourceLimits, Worker } from 'node:worker_threads';
import { cliErrors } from '../errors.js';

export interface WorkerPool<T, R> {
  /** Queues a task; resolves with its result, or rejects with CLI_WORKER_FAILED. */
  run(task: T): Promise<R>;
  readonly size: number;
  /** Terminates every worker and rejects what is still queued. Idempotent. */
  close(): Promise<void>;
}

type Reply<R> = { ok: true; result: R } | { ok: false; message: string };

interface Job<T, R> {
  task: T;
  resolve(result: R): void;
  reject(err: Error): void;
}

/**
 * A fixed set of worker threads, each running one task at a time from a FIFO queue. A worker
 * that dies (an exception outside a task, out of memory) fails its task and is replaced, so the
 * pool keeps its size (up to a respawn budget). The queue itself is unbounded: callers bound it by how much they submit.
 */
export function createWorkerPool<T, R>(options: {
  script: URL;
  size: number;
  workerData: unknown;
  resourceLimits?: ResourceLimits;
}): WorkerPool<T, R> {
  const queue: Job<T, R>[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job<T, R>>();
  let closed: Promise<void> | undefined;
  // A worker that cannot even start would otherwise be respawned forever.
  let respawns = 0;
  const maxRespawns = options.size * 3;

  function dispatch(): void {
    while (!closed && idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Job<T, R>;
      busy.set(worker, job);
      worker.postMessage(job.task);
    }
  }

  function spawn(): void {
    const worker = new Worker(options.script, {
      workerData: options.workerData,
      resourceLimits: options.resourceLimits,
    });
    worker.on('message', (reply: Reply<R>) => {
      const job = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if (job) {
        if (reply.ok) job.resolve(reply.result);
        else job.reject(cliErrors.CLI_WORKER_FAILED(reply.message));
      }
      dispatch();
    });
    worker.on('error', (err) => {
      const job = busy.get(worker);
      busy.delete(worker);
      job?.reject(cliErrors.CLI_WORKER_FAILED(`worker thread died: ${err.message}`, { cause: err }));
    });
    worker.on('exit', (code) => {
      // A worker can exit without an 'error' event (process.exit in a task): fail its task too.
      busy.get(worker)?.reject(cliErrors.CLI_WORKER_FAILED(`worker thread exited with code ${code}`));
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at !== -1) idle.splice(at, 1);
      if (closed) return;
      if (++respawns > maxRespawns) {
        for (const job of queue.splice(0))
          job.reject(cliErrors.CLI_WORKER_FAILED('worker threads keep dying'));
        return;
      }
      spawn();
      dispatch();
    });
    idle.push(worker);
  }

  for (let i = 0; i < options.size; i++) spawn();

  return {
    size: options.size,
    run(task) {
      if (closed) return Promise.reject(cliErrors.CLI_WORKER_FAILED('the worker pool is closed'));
      return new Promise<R>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        dispatch();
      });
    },
    close() {
      closed ??= (async () => {
        for (const job of queue.splice(0)) job.reject(cliErrors.CLI_WORKER_FAILED('the worker pool closed'));
        for (const job of busy.values()) job.reject(cliErrors.CLI_WORKER_FAILED('the worker pool closed'));
        const workers = [...idle, ...busy.keys()];
        idle.length = 0;
        busy.clear();
        await Promise.allSettled(workers.map((w) => w.terminate()));
      })();
      return closed;
    },
  };
}
