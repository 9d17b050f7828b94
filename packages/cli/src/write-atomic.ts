import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes to a temporary file beside the target and renames it over the target, so a reader
 * (or a restart after a crash) sees the old file or the new one, never half of one.
 */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export const writeJsonAtomic = (path: string, value: unknown) =>
  writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
