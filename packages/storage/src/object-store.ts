import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  bytes: number;
}

/**
 * Where uploaded files live between the upload and the job that reads them. Both sides
 * stream: a file is never held in memory.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Streams `body` into `key`; the object appears only once it is complete. */
  put(key: string, body: Readable): Promise<StoredObject>;
  /** A stream of the object's bytes from `start` (a resumed job reads from its checkpoint). */
  get(key: string, start?: number): Promise<Readable>;
  /** The object's size, or null when it does not exist. */
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  /** Whether the store answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
