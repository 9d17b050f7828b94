export interface AnalysisStats {
  files: number;
  tasks: number;
  workers: number;
  bytes: number;
  lines: number;
  valid: number;
  invalid: number;
  anomalies: number;
  anomaliesKept: number;
  elapsedMs: number;
  linesPerSecond: number;
  mbPerSecond: number;
  maxRssMiB: number;
  sampledPeakRssMiB: number;
  out: string;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number) => bytes / 1e6;

export function analysisStats(input: Omit<AnalysisStats, 'linesPerSecond' | 'mbPerSecond'>): AnalysisStats {
  const seconds = Math.max(input.elapsedMs, 1) / 1000;
  return {
    ...input,
    linesPerSecond: Math.round(input.lines / seconds),
    mbPerSecond: Math.round((mb(input.bytes) / seconds) * 10) / 10,
  };
}

/** The human report of `evh analyze`. */
export function formatReport(s: AnalysisStats): string {
  return [
    `analysed ${n(s.files)} file(s), ${n(s.lines)} lines (${n(s.valid)} valid, ${n(s.invalid)} invalid), ` +
      `${mb(s.bytes).toFixed(1)} MB in ${(s.elapsedMs / 1000).toFixed(2)} s ` +
      `with ${s.workers} worker(s) over ${s.tasks} range(s)`,
    `  throughput   ${n(s.linesPerSecond)} lines/s, ${s.mbPerSecond.toFixed(1)} MB/s`,
    `  peak memory  ${n(s.maxRssMiB)} MiB RSS (process maxRSS, worker threads included; sampled peak ${n(s.sampledPeakRssMiB)} MiB)`,
    `  anomalies    ${n(s.anomalies)} found, ${n(s.anomaliesKept)} written`,
    `  wrote        ${s.out}/summary.json, ${s.out}/anomalies.json`,
    '',
  ].join('\n');
}
