import { z } from 'zod';
import { createAnalysisPool, MAX_DEFAULT_WORKERS } from '../analysis/analysis-pool.js';
import { analyzeFiles } from '../analysis/analyze-files.js';
import { analysisStats, formatReport } from '../analysis/format-report.js';
import { startMemorySampler } from '../analysis/memory-sampler.js';
import { listInput } from '../analysis/plan-tasks.js';
import { commaList, nonNegativeInt, positiveInt } from '../cli-options.js';
import type { CommandContext } from '../command-context.js';
import { loadLogsConfig } from '../load-logs-config.js';
import { type OptionSpec, parseCommandLine } from '../parse-command-line.js';

const spec = {
  positionals: ['input'],
  options: {
    out: { type: 'string' },
    workers: { type: 'string' },
    'chunk-bytes': { type: 'string' },
    'max-anomalies': { type: 'string' },
    'max-line-bytes': { type: 'string' },
    statuses: { type: 'string' },
    config: { type: 'string' },
    json: { type: 'boolean' },
  } satisfies OptionSpec,
};

export const analyzeOptionsSchema = z.object({
  input: z.string({ error: 'a file or folder to analyse is required' }).min(1),
  out: z.string().min(1).default('output'),
  workers: positiveInt.max(256).optional(),
  /** Ranges of about 32 MiB: enough to amortise a task, small enough to balance 2 GiB over the threads. */
  chunkBytes: positiveInt.default(32 * 1024 * 1024),
  maxAnomalies: nonNegativeInt.default(1000),
  /** A longer "line" is junk (a binary, a dump without newlines) and is skipped as invalid. */
  maxLineBytes: positiveInt.default(1024 * 1024),
  statuses: commaList.optional(),
  config: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

/** `evh analyze <file|folder>`: offline analysis on a pool of worker threads. */
export async function analyzeCommand(args: string[], ctx: CommandContext): Promise<number> {
  const options = parseCommandLine(args, spec, analyzeOptionsSchema);
  const config = await loadLogsConfig({
    configPath: options.config,
    statuses: options.statuses,
    nowMs: ctx.nowMs,
  });
  const files = await listInput(options.input);
  const workers = options.workers ?? Math.min(ctx.cpuCount, MAX_DEFAULT_WORKERS);
  const sampler = startMemorySampler();
  const started = performance.now();
  const pool = createAnalysisPool(workers, {
    config,
    anomalyCap: options.maxAnomalies,
    maxLineBytes: options.maxLineBytes,
  });
  let result: Awaited<ReturnType<typeof analyzeFiles>>;
  try {
    result = await analyzeFiles({
      files,
      pool,
      out: options.out,
      chunkBytes: options.chunkBytes,
      anomalyCap: options.maxAnomalies,
      topN: config.topN,
    });
  } finally {
    await pool.close();
  }
  const memory = sampler.stop();
  const stats = analysisStats({
    files: result.files,
    tasks: result.tasks,
    workers,
    bytes: result.bytes,
    lines: result.summary.lines,
    valid: result.summary.valid,
    invalid: result.summary.invalid,
    anomalies: result.anomalies.total,
    anomaliesKept: result.anomalies.anomalies.length,
    elapsedMs: Math.round(performance.now() - started),
    maxRssMiB: Math.round(memory.maxRssBytes / 2 ** 20),
    sampledPeakRssMiB: Math.round(memory.sampledPeakRssBytes / 2 ** 20),
    out: options.out,
  });
  ctx.stdout.write(options.json ? `${JSON.stringify(stats)}\n` : formatReport(stats));
  return 0;
}
