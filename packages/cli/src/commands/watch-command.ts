import { join } from 'node:path';
import { z } from 'zod';
import { createAnalysisPool, MAX_DEFAULT_WORKERS } from '../analysis/analysis-pool.js';
import { analyzeFiles } from '../analysis/analyze-files.js';
import { commaList, httpUrl, nonNegativeInt, positiveInt } from '../cli-options.js';
import type { CommandContext } from '../command-context.js';
import { loadLogsConfig } from '../load-logs-config.js';
import { type OptionSpec, parseCommandLine } from '../parse-command-line.js';
import { uploadFile } from '../upload/upload-file.js';
import { createFolderWatcher, type FolderWatcherOptions } from '../watch/folder-watcher.js';

const spec = {
  positionals: ['folder'],
  options: {
    out: { type: 'string' },
    upload: { type: 'string' },
    project: { type: 'string' },
    key: { type: 'string' },
    state: { type: 'string' },
    workers: { type: 'string' },
    concurrency: { type: 'string' },
    'interval-ms': { type: 'string' },
    'stable-ms': { type: 'string' },
    'chunk-bytes': { type: 'string' },
    'max-anomalies': { type: 'string' },
    statuses: { type: 'string' },
    config: { type: 'string' },
    once: { type: 'boolean' },
  } satisfies OptionSpec,
};

export const watchOptionsSchema = z.object({
  folder: z.string({ error: 'a folder to watch is required' }).min(1),
  out: z.string().min(1).default('output'),
  upload: httpUrl.optional(),
  project: z.string().min(1).optional(),
  /** The project's ingest key for --upload (or EVH_KEY). */
  key: z.string().min(1).optional(),
  /** Default: a hidden file in the watched folder, so the state travels with the folder. */
  state: z.string().min(1).optional(),
  workers: positiveInt.max(256).optional(),
  concurrency: positiveInt.default(2),
  intervalMs: positiveInt.default(1000),
  stableMs: nonNegativeInt.default(2000),
  chunkBytes: positiveInt.default(32 * 1024 * 1024),
  maxAnomalies: nonNegativeInt.default(1000),
  statuses: commaList.optional(),
  config: z.string().min(1).optional(),
  once: z.boolean().default(false),
});

/**
 * `evh watch <folder>`: analyses (or uploads) each new file once. Runs until SIGINT/SIGTERM
 * (main.ts closes the shutdown: the watcher first, letting files in progress finish, then
 * the worker threads), or with --once until the files present now are done.
 */
export async function watchCommand(args: string[], ctx: CommandContext): Promise<number> {
  const options = parseCommandLine(args, spec, watchOptionsSchema);
  const log = (line: string) => ctx.stdout.write(`${line}\n`);
  const config = await loadLogsConfig({
    configPath: options.config,
    statuses: options.statuses,
    nowMs: ctx.nowMs,
  });
  let process: FolderWatcherOptions['process'];
  const upload = options.upload;
  if (upload) {
    const key = options.key ?? ctx.env?.EVH_KEY;
    process = async (file) => {
      const { jobId } = await uploadFile({
        ingestUrl: upload,
        path: file.path,
        projectId: options.project,
        ...(key ? { key } : {}),
      });
      return { outcome: 'uploaded', jobId, note: `job ${jobId}` };
    };
  } else {
    const pool = createAnalysisPool(options.workers ?? Math.min(ctx.cpuCount, MAX_DEFAULT_WORKERS), {
      config,
      anomalyCap: options.maxAnomalies,
      maxLineBytes: 1024 * 1024,
    });
    ctx.shutdown.register('worker-pool', () => pool.close());
    process = async (file) => {
      const out = join(options.out, file.name);
      const { summary, anomalies } = await analyzeFiles({
        files: [{ path: file.path, name: file.name, size: file.size }],
        pool,
        out,
        chunkBytes: options.chunkBytes,
        anomalyCap: options.maxAnomalies,
        topN: config.topN,
      });
      return {
        outcome: 'analysed',
        note: `${summary.lines} lines, ${summary.invalid} invalid, ${anomalies.total} anomalies -> ${out}`,
      };
    };
  }
  const watcher = await createFolderWatcher({
    folder: options.folder,
    statePath: options.state ?? join(options.folder, '.evh-watch-state.json'),
    intervalMs: options.intervalMs,
    stableMs: options.stableMs,
    concurrency: options.concurrency,
    process,
    log,
  });
  ctx.shutdown.register('watcher', () => watcher.stop());
  if (options.once) {
    await watcher.runOnce();
    return 0;
  }
  log(`watching ${options.folder}`);
  watcher.start();
  // Runs until a signal: main.ts closes the shutdown and exits.
  return new Promise<number>(() => undefined);
}
