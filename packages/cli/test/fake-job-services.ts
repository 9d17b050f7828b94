// A stand-in for the ingest and reporter services, which do not exist yet: exactly issue 5's
// HTTP contract and nothing more. Once they exist, the upload tests should also run against
// them (tests/ at the repository root).
import { createHash, randomUUID } from 'node:crypto';
import multipart, { type MultipartFile } from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';

export interface ReceivedUpload {
  jobId: string;
  fileName: string;
  field: string;
  contentType: string;
  projectId?: string;
  bytes: number;
  sha256: string;
  /** How many pieces the file arrived in. */
  pieces: number;
}

export interface FakeJobServices {
  url: string;
  uploads: ReceivedUpload[];
  /** Bytes of the file in progress received so far. */
  receiving(): number;
  /** While set, the server stops reading an upload after its first piece, until it resolves. */
  holdUploads(until: Promise<void> | undefined): void;
  close(): Promise<void>;
}

/**
 * Jobs advance one step per GET: queued, processing 40%, processing 80%, then completed, or
 * failed when the file's name contains "fail". A file named "reject*" is refused with 413.
 */
export async function startFakeJobServices(): Promise<FakeJobServices> {
  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(multipart, { limits: { fileSize: Number.MAX_SAFE_INTEGER, files: 1 } });
  const uploads: ReceivedUpload[] = [];
  const polls = new Map<string, number>();
  let inProgress = 0;
  let hold: Promise<void> | undefined;

  async function receive(part: MultipartFile): Promise<Omit<ReceivedUpload, 'jobId' | 'projectId'>> {
    const hash = createHash('sha256');
    let bytes = 0;
    let pieces = 0;
    inProgress = 0;
    for await (const piece of part.file) {
      hash.update(piece as Buffer);
      bytes += (piece as Buffer).length;
      inProgress = bytes;
      pieces++;
      if (pieces === 1 && hold) await hold;
    }
    return {
      fileName: part.filename,
      field: part.fieldname,
      contentType: part.mimetype,
      bytes,
      sha256: hash.digest('hex'),
      pieces,
    };
  }

  app.post('/api/v1/files/upload', async (request, reply) => {
    let projectId: string | undefined;
    let received: Omit<ReceivedUpload, 'jobId' | 'projectId'> | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'projectId') projectId = String(part.value);
      } else if (part.filename.startsWith('reject')) {
        part.file.resume();
        return reply.code(413).send({ error: 'file too large' });
      } else {
        received = await receive(part);
      }
    }
    if (!received) return reply.code(400).send({ error: 'no file part' });
    const jobId = randomUUID();
    uploads.push({ jobId, projectId, ...received });
    polls.set(jobId, 0);
    return reply.code(202).send({ job_id: jobId });
  });

  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', async (request, reply) => {
    const upload = uploads.find((u) => u.jobId === request.params.id);
    const n = polls.get(request.params.id);
    if (!upload || n === undefined) return reply.code(404).send({ error: 'no such job' });
    polls.set(upload.jobId, n + 1);
    const lines = 1000;
    const progress = (percent: number) => ({
      percent,
      lines_read: (lines * percent) / 100,
      valid: Math.max(0, (lines * percent) / 100 - 1),
      invalid: percent > 0 ? 1 : 0,
      processed: Math.max(0, (lines * percent) / 100 - 1),
      bytes_read: Math.round((upload.bytes * percent) / 100),
    });
    if (n === 0) return { job_id: upload.jobId, status: 'queued', progress: progress(0), error: null };
    if (n < 3) return { job_id: upload.jobId, status: 'processing', progress: progress(n * 40), error: null };
    if (upload.fileName.includes('fail')) {
      return {
        job_id: upload.jobId,
        status: 'failed',
        progress: progress(80),
        error: 'database connection lost',
      };
    }
    return { job_id: upload.jobId, status: 'completed', progress: progress(100), error: null };
  });

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    uploads,
    receiving: () => inProgress,
    holdUploads(until) {
      hold = until;
    },
    close: () => app.close(),
  };
}
