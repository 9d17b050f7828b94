import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { cliErrors } from '../errors.js';
import { uploadAcceptedSchema } from './job-status.js';
import { contentTypeFor, createMultipartBody } from './multipart-body.js';
import { networkReason } from './network-reason.js';

export interface UploadOptions {
  ingestUrl: string;
  path: string;
  projectId?: string;
  /** The project's ingest key (sent as a Bearer token); the ingest's project is the key's. */
  key?: string;
  signal?: AbortSignal;
}

/** Reads a response body for an error message, short. */
async function bodyExcerpt(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Streams a file to the ingest service as multipart/form-data (field `file`, and `projectId`
 * when given) and returns the job id of its 202 answer. The body is a stream sent with
 * `duplex: 'half'`, so a multi-gigabyte file costs a read buffer, not its size, in memory.
 */
export async function uploadFile(options: UploadOptions): Promise<{ jobId: string; bytes: number }> {
  const info = await stat(options.path).catch(() => undefined);
  if (!info?.isFile()) throw cliErrors.CLI_INPUT_NOT_FOUND(`${options.path}: no such file`);
  const name = basename(options.path);
  const body = createMultipartBody(options.projectId ? { projectId: options.projectId } : {}, {
    path: options.path,
    name,
    size: info.size,
    contentType: contentTypeFor(name),
  });
  const url = `${options.ingestUrl}/api/v1/files/upload`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': body.contentType,
        'content-length': String(body.contentLength),
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      },
      body: Readable.toWeb(body.stream) as ReadableStream<Uint8Array>,
      duplex: 'half',
      signal: options.signal,
    } as RequestInit & { duplex: 'half' });
  } catch (err) {
    throw cliErrors.CLI_UPSTREAM_UNREACHABLE(`cannot reach ${url}: ${networkReason(err)}`, {
      cause: err,
    });
  }
  if (res.status !== 202) {
    throw cliErrors.CLI_UPLOAD_REJECTED(`${url} answered ${res.status}: ${await bodyExcerpt(res)}`, {
      details: { status: res.status },
    });
  }
  const parsed = uploadAcceptedSchema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw cliErrors.CLI_BAD_RESPONSE(`${url} answered 202 without a job_id`);
  return { jobId: parsed.data.job_id, bytes: info.size };
}
