import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { type FileFormat, JOBS_TOPIC, projectIdSchema } from '@evh/events';
import { routeDoc } from '@evh/http';
import type { BatchingProducer } from '@evh/kafka';
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
  for await (const part of request.parts()) {
    if (part.type === 'field') fields[part.fieldname] = String(part.value);
    else if (part.fieldname !== 'file' || stored) part.file.resume();
    else stored = await storeFilePart(request, part, jobId, deps);
  }
  if (!stored) throw ingestErrors.UPLOAD_MISSING_FILE('the multipart body has no field named file');
  if (stored.bytes === 0) {
    await deps.store.delete(stored.key);
    throw ingestErrors.UPLOAD_EMPTY(`${stored.fileName} is empty`);
  }
  return { stored, fields };
}

/**
 * A body that ends (or a connection that closes) before the file part did never ends the
 * file stream by itself: the upload would wait forever. Fail it instead.
 */
function failIfBodyEndsEarly(request: FastifyRequest, part: MultipartFile): () => void {
  let done = false;
  part.file.once('end', () => {
    done = true;
  });
  const check = () =>
    setImmediate(() => {
      if (!done && !part.file.destroyed) {
        part.file.destroy(ingestErrors.UPLOAD_INCOMPLETE('the request ended before the file did'));
      }
    });
  request.raw.once('end', check);
  request.raw.once('close', check);
  return () => {
    done = true;
    request.raw.off('end', check);
    request.raw.off('close', check);
  };
}

async function storeFilePart(
  request: FastifyRequest,
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
  // pipe() does not forward errors: a failed file stream must fail what reads from it.
  part.file.once('error', (err) => counter.destroy(err));
  const stopWatching = failIfBodyEndsEarly(request, part);
  try {
    await deps.store.put(key, part.file.pipe(counter));
  } catch (err) {
    // Too large, cut off, the client went away, or the store failed: nothing half-written stays.
    part.file.resume();
    await deps.store.delete(key).catch(() => {});
    throw err;
  } finally {
    stopWatching();
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
