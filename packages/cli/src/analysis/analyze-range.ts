import {
  type AnalyticsSnapshot,
  type AnomalyLogSnapshot,
  createLogAnalyzer,
  type LogsConfig,
} from '@evh/logs';
import type { AnalysisTask } from './plan-tasks.js';
import { readLines } from './read-lines.js';

export interface AnalysisSettings {
  config: LogsConfig;
  anomalyCap: number;
  maxLineBytes: number;
}

/** What a worker sends back: structured-clone friendly (Maps and plain objects). */
export interface RangeResult {
  index: number;
  lines: number;
  bytes: number;
  analytics: AnalyticsSnapshot;
  anomalies: AnomalyLogSnapshot;
}

/** Analyses one task. Runs in a worker thread, or inline where a test wants it. */
export async function analyzeRange(task: AnalysisTask, settings: AnalysisSettings): Promise<RangeResult> {
  const analyzer = createLogAnalyzer({
    config: settings.config,
    format: task.format,
    where: { file: task.name },
    anomalyCap: settings.anomalyCap,
  });
  await readLines(
    task.path,
    { start: task.start, end: task.end, maxLineBytes: settings.maxLineBytes },
    {
      line: (text) => analyzer.push(text),
      tooLong: (bytes) =>
        analyzer.pushInvalid(
          'line_too_long',
          `${bytes} bytes without a newline (limit ${settings.maxLineBytes})`,
        ),
    },
  );
  return {
    index: task.index,
    lines: analyzer.lineNo,
    bytes: task.end - task.start,
    analytics: analyzer.analytics.snapshot(),
    anomalies: analyzer.anomalies.snapshot(),
  };
}
