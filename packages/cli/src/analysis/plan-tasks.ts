import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { formatForFile, type LogFormat } from '@evh/logs';
import { cliErrors } from '../errors.js';

/** One unit of work for a worker thread: a byte range of one file, aligned on lines. */
export interface AnalysisTask {
  index: number;
  path: string;
  /** The file's name as shown in anomalies: relative to the folder analysed. */
  name: string;
  format: LogFormat;
  start: number;
  end: number;
}

export interface InputFile {
  path: string;
  name: string;
  size: number;
}

/**
 * The files to analyse: the file itself, or the regular files directly inside a folder in
 * name order (hidden files, such as a watcher's state file, are left out).
 */
export async function listInput(input: string): Promise<InputFile[]> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw cliErrors.CLI_INPUT_NOT_FOUND(`${input}: no such file or folder`);
  if (info.isFile()) return [{ path: input, name: basename(input), size: info.size }];
  if (!info.isDirectory()) throw cliErrors.CLI_INPUT_NOT_FOUND(`${input}: not a file or folder`);
  const names = (await readdir(input, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      path: join(input, name),
      name,
      size: (await stat(join(input, name))).size,
    })),
  );
}

/** The offset just after the first newline at or after `from`, or `size` when there is none. */
async function nextLineStart(path: string, from: number, size: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const block = Buffer.alloc(64 * 1024);
    for (let pos = from; pos < size; pos += block.length) {
      const { bytesRead } = await handle.read(block, 0, block.length, pos);
      const nl = block.subarray(0, bytesRead).indexOf(10);
      if (nl !== -1) return pos + nl + 1;
      if (bytesRead === 0) break;
    }
    return size;
  } finally {
    await handle.close();
  }
}

/**
 * Cuts a file into ranges of about `chunkBytes` that start and end on line boundaries. A
 * range ends after the first newline at or past its nominal end, so every line is in exactly
 * one range. The ranges depend on the file and `chunkBytes` only, not on the worker count, so
 * the result of an analysis is the same with 1 or 16 workers.
 */
export async function splitFile(path: string, size: number, chunkBytes: number): Promise<[number, number][]> {
  const ranges: [number, number][] = [];
  let start = 0;
  while (size - start > chunkBytes) {
    const end = await nextLineStart(path, start + chunkBytes - 1, size);
    ranges.push([start, end]);
    start = end;
  }
  if (start < size || ranges.length === 0) ranges.push([start, size]);
  return ranges;
}

export async function planTasks(files: InputFile[], chunkBytes: number): Promise<AnalysisTask[]> {
  const tasks: AnalysisTask[] = [];
  for (const file of files) {
    for (const [start, end] of await splitFile(file.path, file.size, chunkBytes)) {
      tasks.push({
        index: tasks.length,
        path: file.path,
        name: file.name,
        format: formatForFile(file.name),
        start,
        end,
      });
    }
  }
  return tasks;
}
