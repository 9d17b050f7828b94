import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { cliErrors } from '../errors.js';
import { writeJsonAtomic } from '../write-atomic.js';

/**
 * The watcher's memory across restarts: which files it has processed, by name, size and
 * modification time. A file whose size or mtime changed is a new version and is processed
 * again; one that is only renamed is processed again too (names are the identity here).
 */
export const watchStateSchema = z.object({
  version: z.literal(1),
  files: z.record(
    z.string(),
    z.object({
      size: z.number().int().nonnegative(),
      mtimeMs: z.number(),
      processedAt: z.string(),
      outcome: z.enum(['analysed', 'uploaded']),
      jobId: z.string().optional(),
    }),
  ),
});
export type WatchState = z.infer<typeof watchStateSchema>;
export type ProcessedFile = WatchState['files'][string];

export const emptyWatchState = (): WatchState => ({ version: 1, files: {} });

export function isProcessed(
  state: WatchState,
  file: { name: string; size: number; mtimeMs: number },
): boolean {
  const seen = state.files[file.name];
  return seen !== undefined && seen.size === file.size && seen.mtimeMs === file.mtimeMs;
}

/**
 * Reads the state file; a missing one is an empty state. A corrupt one stops the watcher
 * rather than being replaced: starting from empty would process every file again.
 */
export async function loadWatchState(path: string): Promise<WatchState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyWatchState();
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const result = watchStateSchema.safeParse(json);
  if (!result.success) {
    throw cliErrors.CLI_STATE_CORRUPT(`${path} is not a watch state file; move it away to start afresh`);
  }
  return result.data;
}

export const saveWatchState = (path: string, state: WatchState) => writeJsonAtomic(path, state);
