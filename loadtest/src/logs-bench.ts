// The log analysis benchmark (make bench): writes a payment log of BENCH_LOG_BYTES (default
// 2 GiB) in seed 001's format, from a seeded PRNG so every run analyses the same bytes, with
// about one bad line in 5,000; then times `evh analyze` on it as a child process. It asserts
// nothing: it reports throughput and peak memory against seed 001's 500 MB cap.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { peakRssMb } from './process-stats.js';

const BYTES = Number(process.env.BENCH_LOG_BYTES ?? 2 * 2 ** 30);
const WORKERS = process.env.BENCH_LOG_WORKERS;
/** Where the section goes; a trial run can point it away from docs/benchmarks.md. */
const REPORT_FILE = process.env.BENCH_REPORT_FILE ?? 'docs/benchmarks.md';
const RSS_CAP_MB = 500;
const cli = join(repoRoot, 'packages/cli/dist/src/main.js');

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILURE', 'FAILURE', 'INFO', 'INFO', 'WARN'];
const SERVICES = [
  'PaymentService',
  'AnalyticsService',
  'ReportingService',
  'SearchService',
  'BillingService',
  'AuthenticationService',
  'TransactionService',
  'NotificationService',
  'PaymentGateway',
  'FraudDetection',
  'DatabaseService',
  'RefundService',
];
const MESSAGES = [
  'Payment processed successfully.',
  'Invoice generated and sent.',
  'Connection lost during transaction commit.',
  'Upstream service timeout.',
  'Invalid credit card details.',
  'Cache miss.',
  'Batch job started.',
  'Slow query for user payment history.',
  'Session expired.',
  'Transaction approved, no fraud risk.',
];
/** The planted kinds, one of which replaces a line about every 5,000 lines. */
const BAD = [
  (ts: string) => `${ts} INFO AuthenticationService  Batch job started.`,
  (ts: string) => `${ts} FAILURES PaymentService user461 Unexpected null reference.`,
  () => `1970-01-01T00:00:00Z FATAL - user000 ANOMALY_TRIGGER: ${'A'.repeat(220)}`,
  () => '2025-02-30T10:00:00Z SUCCESS BillingService user204 Invoice generated and sent.',
  () => '2999-01-01T00:00:00Z SUCCESS BillingService user204 Invoice generated and sent.',
  (ts: string) => `${ts} WARN`,
  () => 'not a log line at all',
  () => '',
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Writes the log; returns its line count and how many lines were planted bad. */
async function generate(path: string, bytes: number): Promise<{ lines: number; bad: number }> {
  const random = prng(20250722);
  const out = createWriteStream(path);
  const start = Date.UTC(2025, 6, 21);
  let written = 0;
  let lines = 0;
  let bad = 0;
  while (written < bytes) {
    let chunk = '';
    while (chunk.length < 1 << 20 && written + chunk.length < bytes) {
      const t = new Date(start + Math.floor(random() * 2 * 86_400_000));
      const ts =
        `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T` +
        `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}Z`;
      if (random() < 1 / 5000) {
        chunk += `${(BAD[Math.floor(random() * BAD.length)] as (ts: string) => string)(ts)}\n`;
        bad++;
      } else {
        const status = STATUSES[Math.floor(random() * STATUSES.length)];
        const service = SERVICES[Math.floor(random() * SERVICES.length)];
        const user = `user${pad(Math.floor(random() * 1000), 3)}`;
        chunk += `${ts} ${status} ${service} ${user} ${MESSAGES[Math.floor(random() * MESSAGES.length)]}\n`;
      }
      lines++;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { lines, bad };
}

interface CliStats {
  files: number;
  tasks: number;
  workers: number;
  bytes: number;
  lines: number;
  invalid: number;
  anomalies: number;
  elapsedMs: number;
  linesPerSecond: number;
  mbPerSecond: number;
  maxRssMiB: number;
  sampledPeakRssMiB: number;
}

/** Runs `evh analyze` and samples its peak RSS from /proc as an outside check of its own figure. */
async function analyze(
  file: string,
  out: string,
): Promise<{ stats: CliStats; wallS: number; outsidePeakMb: number }> {
  const args = [cli, 'analyze', file, '--out', out, '--json', ...(WORKERS ? ['--workers', WORKERS] : [])];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  let outsidePeakMb = 0;
  const sampler = setInterval(() => {
    try {
      outsidePeakMb = Math.max(outsidePeakMb, peakRssMb(child.pid as number));
    } catch {
      // the process has just exited
    }
  }, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  if (code !== 0) throw new Error(`evh analyze exited with ${code}`);
  return { stats: JSON.parse(stdout) as CliStats, wallS: (performance.now() - t0) / 1000, outsidePeakMb };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'evh-logs-bench-'));
  try {
    const file = join(dir, 'payments.log');
    const g0 = performance.now();
    const generated = await generate(file, BYTES);
    const generateS = (performance.now() - g0) / 1000;
    const { stats, wallS, outsidePeakMb } = await analyze(file, join(dir, 'output'));
    const summary = JSON.parse(await readFile(join(dir, 'output', 'summary.json'), 'utf8')) as {
      lines: number;
    };
    const peak = Math.max(stats.maxRssMiB, outsidePeakMb);
    const report = `
## Log analysis: \`evh analyze\` (issue 5)

${new Date().toISOString().slice(0, 10)} · ${machineLine()}

A ${(stats.bytes / 1e6).toFixed(0)} MB payment log in seed 001's format (${generated.lines.toLocaleString('en')} lines, ${generated.bad.toLocaleString('en')} planted bad ones, seeded PRNG; written in ${generateS.toFixed(1)} s), analysed by \`evh analyze --json\` as a child process with ${stats.workers} worker threads over ${stats.tasks} ranges.

| figure | value |
|---|---|
| elapsed (analysis / whole process) | ${(stats.elapsedMs / 1000).toFixed(2)} s / ${wallS.toFixed(2)} s |
| **throughput** | **${stats.mbPerSecond.toFixed(1)} MB/s**, ${stats.linesPerSecond.toLocaleString('en')} lines/s |
| **peak RSS** (process maxRSS, worker threads included) | **${stats.maxRssMiB} MiB** (seed 001's cap: ${RSS_CAP_MB} MB) |
| peak RSS sampled from outside (/proc VmHWM) | ${outsidePeakMb} MiB |
| lines counted / generated | ${summary.lines.toLocaleString('en')} / ${generated.lines.toLocaleString('en')} |
| invalid lines / anomalies | ${stats.invalid.toLocaleString('en')} / ${stats.anomalies.toLocaleString('en')} |
| within the memory cap | ${peak <= RSS_CAP_MB ? 'yes' : '**no**'} |

Reproduce: \`BENCH=logs make bench\` (\`BENCH_LOG_BYTES\` sets the size, \`BENCH_LOG_WORKERS\` the threads).
`;
    writeSection(REPORT_FILE, 'logs', report);
    process.stdout.write(report);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
