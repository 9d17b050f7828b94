import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { type FileFormat, JOBS_TOPIC, projectIdSchema } from '@evh/events';
import { routeDoc } from '@evh/http';
import type { BatchingProducer } from '@evh/kafka';
import { isCodedError } from '@evh/lifecycle';
import type { ObjectStore } from '@evh/storage';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingestErrors } from '../errors.js';
import type { JobRegistry } from '../uploads/job-registry.js';
import { cleanFileName, formatOf } from '../uploads/upload-file-type.js';

export interface UploadRoutesDeps {
  store: ObjectStore;
  jobs: JobRegistry;
  producer: BatchingProducer;
  jobsTopic?: string;
  maxUploadBytes: number;
  now?: () => number;
}

/** Counts the bytes that pass and fails the stream once more than `limit` went through. */
function byteCounter(limit: number) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) done(ingestErrors.UPLOAD_TOO_LARGE(`the file is larger than ${limit} bytes`));
      else done(null, chunk);
    },
  });
  return { counter, bytes: () => bytes };
}

/**
 * `POST /api/v1/files/upload`: streams the multipart `file` part to object storage (never
 * into memory), checks its name, type and size on the way, records the job and queues it on
 * the `jobs` topic.
 */
interface StoredUpload {
  key: string;
  bytes: number;
  fileName: string;
  format: FileFormat;
}

/**
 * Reads the multipart body: text fields into `fields`, the first `file` part streamed to
 * storage; any other file part is drained. Refuses a missing, empty or wrongly typed file.
 */
async function receiveUpload(
  request: FastifyRequest,
  jobId: string,
  deps: UploadRoutesDeps,
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

/**
 * A multipart body cut off mid-file leaves the file stream destroyed without an 'error' or
 * 'end' (busboy may have given up before our listeners exist), and anything piped from it
 * would wait forever. Fail what reads it instead: at once when it is already destroyed, or
 * when it closes without having ended.
 */
function failWhenCutOff(part: MultipartFile, reader: Transform): void {
  const cutOff = () => ingestErrors.UPLOAD_INCOMPLETE('the request ended before the file did');
  // Already cut off: refuse before anything reads it (no reader exists to take an error yet).
  if (part.file.destroyed && !part.file.readableEnded) throw cutOff();
  part.file.once('error', (err) => reader.destroy(err));
  part.file.once('close', () => {
    if (!part.file.readableEnded && !reader.destroyed) reader.destroy(cutOff());
  });
}

async function storeFilePart(
  part: MultipartFile,
  jobId: string,
  deps: UploadRoutesDeps,
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
  // pipe() does not forward errors: a failed or cut-off file stream must fail its reader.
  failWhenCutOff(part, counter);
  try {
    await deps.store.put(key, part.file.pipe(counter));
  } catch (err) {
    // Too large, cut off, the client went away, or the store failed: nothing half-written stays.
    part.file.resume();
    await deps.store.delete(key).catch(() => {});
    throw err;
  }
  return { key, bytes: bytes(), fileName, format };
}

/** The optional projectId field; a bad one refuses the upload (and drops the stored file). */
async function projectField(
  fields: Record<string, string>,
  stored: StoredUpload,
  store: ObjectStore,
): Promise<string | null> {
  if (fields.projectId === undefined || fields.projectId === '') return null;
  const parsed = projectIdSchema.safeParse(fields.projectId);
  if (parsed.success) return parsed.data;
  await store.delete(stored.key);
  throw ingestErrors.UPLOAD_BAD_FIELD(`projectId: ${parsed.error.issues[0]?.message}`);
}

export function registerUploadRoutes(app: FastifyInstance, deps: UploadRoutesDeps): void {
  const now = deps.now ?? Date.now;
  app.post(
    '/api/v1/files/upload',
    routeDoc({
      summary:
        'Upload a .jsonl or payment .log/.txt file (multipart field `file`, optional `projectId`); 202 {job_id}',
      tags: ['files'],
      responses: {
        202: 'queued',
        400: 'no file, empty file, bad projectId',
        413: 'over MAX_UPLOAD_BYTES',
        415: 'not multipart, or not a .jsonl/.log/.txt text file',
      },
    }),
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw ingestErrors.UPLOAD_NOT_MULTIPART(
          'send the file as multipart/form-data with a field named file',
        );
      }
      const jobId = randomUUID();
      const { stored, fields } = await receiveUpload(request, jobId, deps);
      const projectId = await projectField(fields, stored, deps.store);
      await deps.jobs.create({
        jobId,
        fileName: stored.fileName,
        format: stored.format,
        size: stored.bytes,
        projectId,
        storageKey: stored.key,
        createdAt: now(),
      });
      await deps.producer.send(deps.jobsTopic ?? JOBS_TOPIC, [
        { key: jobId, value: JSON.stringify({ jobId }) },
      ]);
      return reply
        .code(202)
        .send({ job_id: jobId, status: 'queued', size: stored.bytes, file_name: stored.fileName });
    },
  );
}
