import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { storageErrors } from './errors.js';
import type { ObjectStore } from './object-store.js';
import { watchBody } from './watch-body.js';

/**
 * Objects as files under one folder, for local runs and single-node installs. A file is
 * written under a temporary name and renamed when complete, so a reader never sees half.
 */
export function createLocalStore(root: string): ObjectStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    // Keys are ours (job ids), but a key must never escape the folder.
    if (!path.startsWith(base + sep)) throw new Error(`object key escapes the store: ${key}`);
    return path;
  };
  const unavailable = (err: unknown) =>
    storageErrors.STORAGE_UNAVAILABLE(`storage folder: ${(err as Error).message}`, { cause: err });
  return {
    kind: 'local',
    async put(key, body) {
      // Before the first await: the body may fail while the folder is being made.
      const watched = watchBody(body);
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true }).catch((err: unknown) => {
        throw unavailable(err);
      });
      const early = watched.failure();
      if (early) throw early;
      const tmp = `${path}.${randomUUID()}.partial`;
      const file = createWriteStream(tmp);
      // pipeline() destroys the body with the file's error too: note which of the two failed first.
      let fileFailedFirst = false;
      file.once('error', () => {
        fileFailedFirst = watched.failure() === undefined;
      });
      try {
        await pipeline(body, file);
        await rename(tmp, path);
        return { key, bytes: (await stat(path)).size };
      } catch (err) {
        await rm(tmp, { force: true });
        // A body that failed is the sender's failure (cut off, too large), passed on as it is.
        const failure = fileFailedFirst ? undefined : watched.failure();
        throw failure ?? unavailable(err);
      }
    },
    async get(key, start = 0) {
      const path = pathOf(key);
      if ((await this.size(key)) === null) throw storageErrors.OBJECT_NOT_FOUND(`no object ${key}`);
      return createReadStream(path, { start });
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw unavailable(err);
      }
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      // An upload's folder (uploads/<jobId>/) holds only its file: leave no empty folder behind.
      if (dirname(path) !== base) await rmdir(dirname(path)).catch(() => {});
    },
    async ping() {
      await mkdir(base, { recursive: true });
      return true;
    },
    async close() {},
  };
}

export const localStoreDir = (root: string) => join(root);
