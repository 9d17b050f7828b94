import type { AnalysisSettings, RangeResult } from './analyze-range.js';
import type { AnalysisTask } from './plan-tasks.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

export type AnalysisPool = WorkerPool<AnalysisTask, RangeResult>;

/**
 * At most this many threads by default: each costs about 45 MB of RSS, and seed 001 caps the
 * whole analysis at 500 MB. More can be asked for with --workers.
 */
export const MAX_DEFAULT_WORKERS = 8;

/** A pool of `size` threads running analysis-worker.js with the run's settings. */
export function createAnalysisPool(size: number, settings: AnalysisSettings): AnalysisPool {
  return createWorkerPool<AnalysisTask, RangeResult>({
    script: new URL('./analysis-worker.js', import.meta.url),
    size,
    workerData: settings,
    // A smaller young generation than V8's default costs no measurable throughput here (the
    // garbage is short-lived line strings) and keeps each thread near 45 MB of RSS.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
}
