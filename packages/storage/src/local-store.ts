import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { storageErrors } from './errors.js';
import type { ObjectStore } from './object-store.js';

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
  return {
    kind: 'local',
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomUUID()}.partial`;
      try {
        await pipeline(body, createWriteStream(tmp));
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return { key, bytes: (await stat(path)).size };
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
        throw storageErrors.STORAGE_UNAVAILABLE((err as Error).message, { cause: err });
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async ping() {
      await mkdir(base, { recursive: true });
      return true;
    },
    async close() {},
  };
}

export const localStoreDir = (root: string) => join(root);
