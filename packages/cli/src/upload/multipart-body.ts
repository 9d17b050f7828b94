import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export interface MultipartFile {
  path: string;
  /** The file name sent in the part's header. */
  name: string;
  size: number;
  contentType: string;
}

export interface MultipartBody {
  /** The body as a stream: the file is read as the request is sent, never held whole. */
  stream: Readable;
  contentType: string;
  /** Known up front (the file's size plus the part headers), so the server can refuse early. */
  contentLength: number;
}

/** Quotes a value for a Content-Disposition parameter the way browsers do (WHATWG HTML). */
function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function contentTypeFor(name: string): string {
  if (/\.(jsonl|ndjson)$/i.test(name)) return 'application/x-ndjson';
  if (/\.(txt|log)$/i.test(name)) return 'text/plain';
  return 'application/octet-stream';
}

/**
 * A multipart/form-data body of text fields then one file part, field name `file`. Fields
 * come first so a streaming server (busboy) has them before the file starts.
 */
export function createMultipartBody(
  fields: Record<string, string>,
  file: MultipartFile,
  boundary = `----evh-${randomBytes(12).toString('hex')}`,
): MultipartBody {
  let head = '';
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(file.name)}"\r\n` +
    `Content-Type: ${file.contentType}\r\n\r\n`;
  const headBytes = Buffer.from(head);
  const tailBytes = Buffer.from(`\r\n--${boundary}--\r\n`);

  async function* parts(): AsyncGenerator<Buffer> {
    yield headBytes;
    // `end` pins the length: a file that grows while being sent cannot break Content-Length.
    if (file.size > 0) yield* createReadStream(file.path, { start: 0, end: file.size - 1 });
    yield tailBytes;
  }

  return {
    stream: Readable.from(parts(), { objectMode: false }),
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: headBytes.length + file.size + tailBytes.length,
  };
}
