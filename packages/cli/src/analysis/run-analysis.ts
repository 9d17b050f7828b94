import { AnalyticsAccumulator, AnomalyLog } from '@evh/logs';
import type { RangeResult } from './analyze-range.js';
import type { AnalysisTask, InputFile } from './plan-tasks.js';
import { planTasks } from './plan-tasks.js';
import type { WorkerPool } from './worker-pool.js';

export interface AnalysisResult {
  analytics: AnalyticsAccumulator;
  anomalies: AnomalyLog;
  files: number;
  bytes: number;
  tasks: number;
}

/**
 * Runs every task of the input on the pool and merges the results in task order, not in
 * the order they finish: anomaly line numbers are rebased by the lines of the earlier ranges
 * of the same file, and "the first N anomalies" means the same thing on every run. A range is
 * started only within two per worker of the next one to merge, so results waiting for an
 * earlier, slower range stay few and memory stays bounded however many ranges there are.
 */
export async function runAnalysis(options: {
  files: InputFile[];
  pool: WorkerPool<AnalysisTask, RangeResult>;
  chunkBytes: number;
  anomalyCap: number;
}): Promise<AnalysisResult> {
  const { files, pool, chunkBytes, anomalyCap } = options;
  const tasks = await planTasks(files, chunkBytes);
  const analytics = new AnalyticsAccumulator();
  const anomalies = new AnomalyLog(anomalyCap);
  const done = new Map<number, RangeResult>();
  let next = 0;
  let lineOffset = 0;

  const mergeReady = () => {
    for (let result = done.get(next); result; result = done.get(next)) {
      done.delete(next);
      const task = tasks[next] as AnalysisTask;
      if (task.start === 0) lineOffset = 0;
      analytics.merge(result.analytics);
      anomalies.merge(result.anomalies, { lineOffset });
      lineOffset += result.lines;
      next++;
    }
  };

  let submitted = 0;
  let failed = false;
  const window = pool.size * 2;
  let waiting: (() => void)[] = [];
  const lane = async () => {
    while (submitted < tasks.length && !failed) {
      if (submitted >= next + window) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const task = tasks[submitted++] as AnalysisTask;
      try {
        done.set(task.index, await pool.run(task));
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        mergeReady();
        for (const wake of waiting) wake();
        waiting = [];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, tasks.length) }, lane));
  return {
    analytics,
    anomalies,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    tasks: tasks.length,
  };
}
