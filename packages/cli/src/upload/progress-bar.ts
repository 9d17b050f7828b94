import type { JobStatus } from './job-status.js';

const n = (x: number) => x.toLocaleString('en-US');

/** One line of text showing a job's progress, e.g. `[#######-------]  50% processing  lines 500 ...`. */
export function renderProgress(status: JobStatus, width = 30): string {
  const p = status.progress;
  const percent = status.status === 'completed' ? 100 : Math.max(0, Math.min(100, p.percent));
  const filled = Math.round((percent / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const counts =
    `lines ${n(p.lines_read)}  valid ${n(p.valid)}  invalid ${n(p.invalid)}  ` +
    `processed ${n(p.processed)}  ${(p.bytes_read / 1e6).toFixed(1)} MB`;
  return `${bar} ${String(Math.floor(percent)).padStart(3)}% ${status.status.padEnd(10)} ${counts}`;
}
