import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileFormat } from '@evh/events';
import { isCodedError } from '@evh/lifecycle';
import type { ObjectStore } from '@evh/storage';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { ingestErrors } from '../errors.js';
import { cleanFileName, formatOf } from './upload-file-type.js';

export interface StoredUpload {
  key: string;
  bytes: number;
  fileName: string;
  format: FileFormat;
}

export interface ReceiveUploadDeps {
  store: ObjectStore;
  maxUploadBytes: number;
}

const tooLarge = (limit: number) => ingestErrors.UPLOAD_TOO_LARGE(`the file is larger than ${limit} bytes`);

/** Counts the bytes that pass and fails the stream once more than `limit` went through. */
function byteCounter(limit: number) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) done(tooLarge(limit));
      else done(null, chunk);
    },
  });
  return { counter, bytes: () => bytes };
}

/**
 * Streams one file part into the store. Every stream involved is listened to before the
 * first await: the part can fail (a body cut off, a client gone) while the store is still
 * preparing, and an 'error' nobody listens to takes the whole process down.
 */
async function storeFilePart(
  part: MultipartFile,
  jobId: string,
  deps: ReceiveUploadDeps,
): Promise<StoredUpload> {
  const fileName = cleanFileName(part.filename);
  const format = formatOf(part.filename, part.mimetype);
  if (!format) {
    part.file.resume();
    throw ingestErrors.UPLOAD_WRONG_TYPE(
      `${fileName} (${part.mimetype}) is not a .jsonl, .ndjson, .log or .txt text file`,
    );
  }
  const key = `uploads/${jobId}/${fileName}`;
  const { counter, bytes } = byteCounter(deps.maxUploadBytes);
  // pipeline() fails the counter when the part fails or is cut off (destroyed before its end,
  // even before this line), so the store sees a failed body. The store's put reports that
  // failure, so this promise's own rejection is not needed.
  pipeline(part.file, counter).catch(() => {});
  // busboy stops the part at the size limit and reports it only after the part ends as if
  // complete: refuse at once instead of storing a truncated file first.
  part.file.once('limit', () => counter.destroy(tooLarge(deps.maxUploadBytes)));
  try {
    await deps.store.put(key, counter);
  } catch (err) {
    // Too large, cut off, the client went away, or the store failed: nothing half-written
    // stays, and a store failure stops the part (the request gets its answer without it).
    counter.destroy();
    await deps.store.delete(key).catch(() => {});
    throw err;
  }
  return { key, bytes: bytes(), fileName, format };
}

/**
 * Reads the multipart body: text fields into `fields`, the first `file` part streamed to
 * storage; any other file part is drained. Refuses a missing, empty or wrongly typed file,
 * and a body that ends early, with nothing left in the store.
 */
export async function receiveUpload(
  request: FastifyRequest,
  jobId: string,
  deps: ReceiveUploadDeps,
): Promise<{ stored: StoredUpload; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  let stored: StoredUpload | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') fields[part.fieldname] = String(part.value);
      else if (part.fieldname !== 'file' || stored) part.file.resume();
      else stored = await storeFilePart(part, jobId, deps);
    }
  } catch (err) {
    if (stored) await deps.store.delete(stored.key).catch(() => {});
    // Our own refusals and the multipart plugin's limits carry a status; a body the parser
    // could not read to its end ("Unexpected end of multipart data") is the client's, a 400.
    if (isCodedError(err) || (err as { statusCode?: number }).statusCode !== undefined) throw err;
    throw ingestErrors.UPLOAD_INCOMPLETE(`the multipart body is malformed: ${(err as Error).message}`);
  }
  if (!stored) throw ingestErrors.UPLOAD_MISSING_FILE('the multipart body has no field named file');
  if (stored.bytes === 0) {
    await deps.store.delete(stored.key);
    throw ingestErrors.UPLOAD_EMPTY(`${stored.fileName} is empty`);
  }
  return { stored, fields };
}
