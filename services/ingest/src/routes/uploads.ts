import { randomUUID } from 'node:crypto';
import { JOBS_TOPIC, projectIdSchema } from '@evh/events';
import { routeDoc } from '@evh/http';
import type { BatchingProducer } from '@evh/kafka';
import { writeProject } from '@evh/projects';
import type { ObjectStore } from '@evh/storage';
import { type ProduceTrace, sendTraced } from '@evh/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingestErrors } from '../errors.js';
import type { JobRegistry, NewJob } from '../uploads/job-registry.js';
import { receiveUpload, type StoredUpload } from '../uploads/receive-upload.js';

export interface UploadRoutesDeps {
  store: ObjectStore;
  jobs: JobRegistry;
  producer: BatchingProducer;
  jobsTopic?: string;
  /** The job's message is sent in a producer span of the upload's trace when tracing is on. */
  tracing?: Omit<ProduceTrace, 'topic'>;
  maxUploadBytes: number;
  now?: () => number;
}

/**
 * The job's project: the key's (the optional projectId field must match it), or the field's
 * with AUTH=off; a bad one refuses the upload (and drops the stored file).
 */
async function projectField(
  request: FastifyRequest,
  fields: Record<string, string>,
  stored: StoredUpload,
  store: ObjectStore,
): Promise<string | null> {
  const given = fields.projectId === '' ? undefined : fields.projectId;
  let named: string | undefined;
  try {
    // The key's project; a different one in the form is a 403.
    named = writeProject(request, given);
  } catch (err) {
    await store.delete(stored.key);
    throw err;
  }
  if (named === undefined) return null;
  const parsed = projectIdSchema.safeParse(named);
  if (parsed.success) return parsed.data;
  await store.delete(stored.key);
  throw ingestErrors.UPLOAD_BAD_FIELD(`projectId: ${parsed.error.issues[0]?.message}`);
}

/**
 * Records the job and queues it. A job that cannot be queued leaves nothing behind: neither
 * its record (which would say "queued" forever) nor its file; the client gets the 503.
 */
async function queueJob(deps: UploadRoutesDeps, job: NewJob): Promise<void> {
  try {
    await deps.jobs.create(job);
  } catch (err) {
    await deps.store.delete(job.storageKey).catch(() => {});
    throw err;
  }
  try {
    const topic = deps.jobsTopic ?? JOBS_TOPIC;
    await sendTraced(
      { ...deps.tracing, topic },
      [{ key: job.jobId, value: JSON.stringify({ jobId: job.jobId }) }],
      (messages) => deps.producer.send(topic, messages),
    );
  } catch (err) {
    await Promise.allSettled([deps.jobs.remove(job.jobId), deps.store.delete(job.storageKey)]);
    throw err;
  }
}

export function registerUploadRoutes(app: FastifyInstance, deps: UploadRoutesDeps): void {
  const now = deps.now ?? Date.now;
  app.post(
    '/api/v1/files/upload',
    {
      // A large file takes long at any rate: held to the minimum rate, not the request timeout.
      config: { streamingBody: true, auth: 'ingest' },
      ...routeDoc({
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
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw ingestErrors.UPLOAD_NOT_MULTIPART(
          'send the file as multipart/form-data with a field named file',
        );
      }
      const jobId = randomUUID();
      try {
        const { stored, fields } = await receiveUpload(request, jobId, deps);
        if (reply.sent) {
          // Answered meanwhile (the slow-upload guard's 408): the client was told it failed.
          await deps.store.delete(stored.key);
          return reply;
        }
        const projectId = await projectField(request, fields, stored, deps.store);
        await queueJob(deps, {
          jobId,
          fileName: stored.fileName,
          format: stored.format,
          size: stored.bytes,
          projectId,
          storageKey: stored.key,
          createdAt: now(),
        });
        return reply
          .code(202)
          .send({ job_id: jobId, status: 'queued', size: stored.bytes, file_name: stored.fileName });
      } catch (err) {
        // Answered already (the slow-upload guard's 408) and cleaned up: nothing more to say.
        if (reply.sent) return reply;
        throw err;
      }
    },
  );
}
