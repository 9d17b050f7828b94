import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { storageErrors } from './errors.js';
import type { ObjectStore } from './object-store.js';
import { watchBody } from './watch-body.js';

export interface S3StoreOptions {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Most self-hosted S3-compatible servers want path-style URLs. */
  forcePathStyle: boolean;
  /** Size of each multipart part: the most an upload buffers at a time, per in-flight part. */
  partSizeBytes?: number;
}

/**
 * Objects in any S3-compatible store. Uploads are streamed as multipart uploads with a small
 * bounded buffer (`partSize` × `queueSize`), so a 1 GiB file costs a few MB of memory.
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
  });
  const Bucket = options.bucket;
  const unavailable = (err: unknown) =>
    storageErrors.STORAGE_UNAVAILABLE(`object store: ${(err as Error).message}`, { cause: err });
  const isMissing = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
  };

  return {
    kind: 's3',
    async put(key, body) {
      // Before anything else: the body may fail before the upload starts reading it.
      const watched = watchBody(body);
      let bytes = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      // Listens to both at once; a failed body fails `counted`, and with it the upload.
      const feeding = pipeline(body, counted);
      try {
        const upload = new Upload({
          client,
          params: { Bucket, Key: key, Body: counted },
          partSize: options.partSizeBytes ?? 8 * 1024 * 1024,
          queueSize: 2,
        });
        // A failed upload aborts its multipart upload: no part of the object stays.
        await Promise.all([upload.done(), feeding]);
      } catch (err) {
        // Read before the destroy below, which ends the body too.
        const failure = watched.failure();
        // When the store failed on its own, the rest of the body is not wanted.
        counted.destroy();
        throw failure ?? unavailable(err);
      }
      return { key, bytes };
    },
    async get(key, start = 0) {
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket, Key: key, ...(start > 0 ? { Range: `bytes=${start}-` } : {}) }),
        );
        return out.Body as Readable;
      } catch (err) {
        if (isMissing(err)) throw storageErrors.OBJECT_NOT_FOUND(`no object ${key}`);
        throw unavailable(err);
      }
    },
    async size(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (err) {
        if (isMissing(err)) return null;
        throw unavailable(err);
      }
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      } catch (err) {
        if (!isMissing(err)) throw unavailable(err);
      }
    },
    async ping() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      client.destroy();
    },
  };
}
