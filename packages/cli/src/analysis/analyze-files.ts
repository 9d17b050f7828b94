import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnomalyReport, Summary } from '@evh/logs';
import { writeJsonAtomic, writeTextAtomic } from '../write-atomic.js';
import type { AnalysisPool } from './analysis-pool.js';
import type { InputFile } from './plan-tasks.js';
import { runAnalysis } from './run-analysis.js';

export interface AnalyzeFilesResult {
  summary: Summary;
  anomalies: AnomalyReport;
  files: number;
  bytes: number;
  tasks: number;
}

/** anomalies.json with one anomaly a line: still JSON, but a thousand of them stay readable. */
export function formatAnomalyReport(report: AnomalyReport): string {
  const { anomalies, ...head } = report;
  const header = JSON.stringify(head, null, 2).slice(0, -2);
  const items = anomalies.map((a) => `    ${JSON.stringify(a)}`).join(',\n');
  return `${header},\n  "anomalies": [${items ? `\n${items}\n  ` : ''}]\n}\n`;
}

/** Analyses the files on the pool and writes `<out>/summary.json` and `<out>/anomalies.json`. */
export async function analyzeFiles(options: {
  files: InputFile[];
  pool: AnalysisPool;
  out: string;
  chunkBytes: number;
  anomalyCap: number;
  topN: number;
}): Promise<AnalyzeFilesResult> {
  const result = await runAnalysis(options);
  const summary = result.analytics.toSummary({ topN: options.topN });
  const anomalies = result.anomalies.toReport();
  await mkdir(options.out, { recursive: true });
  await writeJsonAtomic(join(options.out, 'summary.json'), summary);
  await writeTextAtomic(join(options.out, 'anomalies.json'), formatAnomalyReport(anomalies));
  return { summary, anomalies, files: result.files, bytes: result.bytes, tasks: result.tasks };
}
