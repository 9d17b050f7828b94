import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@evh/lifecycle';
import { createSettleTracker, type FileSighting, isIgnoredName } from './settle-tracker.js';
import { isProcessed, loadWatchState, saveWatchState, type WatchState } from './watch-state.js';

export interface ProcessOutcome {
  outcome: 'analysed' | 'uploaded';
  jobId?: string;
  /** What to print after the file's name. */
  note: string;
}

export interface FolderWatcherOptions {
  folder: string;
  statePath: string;
  intervalMs: number;
  stableMs: number;
  /** Files processed at once; the rest wait in the queue. */
  concurrency: number;
  process(file: FileSighting & { path: string }): Promise<ProcessOutcome>;
  log(line: string): void;
  now?: () => number;
}

export interface FolderWatcher {
  /** Polls every `intervalMs` until stop(). */
  start(): void;
  /** Two polls `stableMs` apart, then processes what settled and resolves when done. */
  runOnce(): Promise<void>;
  /** Stops polling, lets the files in progress finish and saves the state. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Processes each file that appears in a folder exactly once across restarts: a file is
 * marked in the state file (written atomically) only after it was processed, and only if
 * it did not change meanwhile. A crash between the two processes it again on restart: that
 * is at-least-once for the work, and exactly-once for its effect where the work is idempotent
 * (an analysis overwrites its own output; an upload would need the ingest to deduplicate).
 */
export async function createFolderWatcher(options: FolderWatcherOptions): Promise<FolderWatcher> {
  const now = options.now ?? Date.now;
  const state: WatchState = await loadWatchState(options.statePath);
  const tracker = createSettleTracker(options.stableMs);
  const stateName = resolve(options.statePath) === resolve(options.folder, basename(options.statePath));
  const queue: FileSighting[] = [];
  const pending = new Set<string>();
  const running = new Set<Promise<void>>();
  const retryAt = new Map<string, { attempts: number; at: number }>();
  let saved: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  async function list(): Promise<FileSighting[]> {
    const entries = await readdir(options.folder, { withFileTypes: true });
    const files = entries.filter(
      (e) => e.isFile() && !isIgnoredName(e.name) && !(stateName && e.name === basename(options.statePath)),
    );
    const seen = await Promise.all(
      files.map(async (e) => {
        const info = await stat(join(options.folder, e.name)).catch(() => undefined);
        return info && { name: e.name, size: info.size, mtimeMs: info.mtimeMs };
      }),
    );
    return seen.filter((f): f is FileSighting => f !== undefined);
  }

  async function processOne(file: FileSighting): Promise<void> {
    const path = join(options.folder, file.name);
    try {
      const result = await options.process({ ...file, path });
      const after = await stat(path).catch(() => undefined);
      if (after?.size !== file.size || after.mtimeMs !== file.mtimeMs) {
        options.log(`changed while processed, will process again: ${file.name}`);
        return;
      }
      state.files[file.name] = {
        size: file.size,
        mtimeMs: file.mtimeMs,
        processedAt: new Date(now()).toISOString(),
        outcome: result.outcome,
        ...(result.jobId ? { jobId: result.jobId } : {}),
      };
      retryAt.delete(file.name);
      saved = saved.then(() => saveWatchState(options.statePath, state));
      await saved;
      options.log(`${result.outcome} ${file.name}: ${result.note}`);
    } catch (err) {
      // Retried with backoff while the watcher runs; a restart retries at once.
      const attempts = (retryAt.get(file.name)?.attempts ?? 0) + 1;
      const delay = backoffDelay(attempts + 1, {
        initialMs: options.intervalMs,
        maxMs: options.intervalMs * 64,
      });
      retryAt.set(file.name, { attempts, at: now() + delay });
      options.log(`failed ${file.name} (attempt ${attempts}): ${(err as Error).message}`);
    }
  }

  function pump(): void {
    while (!stopping && running.size < options.concurrency && queue.length > 0) {
      const file = queue.shift() as FileSighting;
      const run: Promise<void> = processOne(file).finally(() => {
        pending.delete(file.name);
        running.delete(run);
        pump();
      });
      running.add(run);
    }
  }

  async function poll(): Promise<void> {
    const { settled, appeared } = tracker.observe(await list(), now());
    for (const name of appeared) {
      if (!state.files[name]) options.log(`new file ${name}, waiting for it to settle`);
    }
    for (const file of settled) {
      if (pending.has(file.name) || isProcessed(state, file)) continue;
      if ((retryAt.get(file.name)?.at ?? 0) > now()) continue;
      pending.add(file.name);
      queue.push(file);
    }
    pump();
  }

  async function drain(): Promise<void> {
    while (running.size > 0) await Promise.allSettled([...running]);
    await saved;
  }

  const loop = async () => {
    try {
      await poll();
    } catch (err) {
      options.log(`cannot read ${options.folder}: ${(err as Error).message}`);
    }
    if (!stopping) timer = setTimeout(() => void loop(), options.intervalMs);
  };

  return {
    start() {
      void loop();
    },
    async runOnce() {
      await poll();
      await sleep(options.stableMs + 5);
      await poll();
      while (queue.length > 0 || running.size > 0) await drain();
    },
    stop() {
      stopping ??= (async () => {
        clearTimeout(timer);
        queue.length = 0;
        await drain();
      })();
      return stopping;
    },
  };
}
