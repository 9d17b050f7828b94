import { createReadStream } from 'node:fs';

export interface ReadLinesOptions {
  /** First byte of the range. */
  start: number;
  /** One past the last byte of the range; it must end on a line boundary or at end of file. */
  end: number;
  /** A line longer than this is skipped whole and reported through onTooLong. */
  maxLineBytes: number;
  highWaterMark?: number;
}

export interface LineSink {
  line(text: string): void;
  tooLong(bytes: number): void;
}

/**
 * Streams the lines of one byte range of a file. Memory is one read buffer plus at most one
 * partial line of `maxLineBytes`: a file with no newline at all (a binary, a minified dump)
 * is read through without ever holding more than that.
 */
export async function readLines(path: string, options: ReadLinesOptions, sink: LineSink): Promise<void> {
  const { start, end, maxLineBytes, highWaterMark = 1 << 20 } = options;
  if (end <= start) return;
  // Parts of the line that started in an earlier read; `skipping` once it grew too long.
  let parts: Buffer[] = [];
  let partBytes = 0;
  let skipping = false;

  const finish = (chunk: Buffer, from: number, to: number) => {
    const bytes = partBytes + (to - from);
    if (skipping || bytes > maxLineBytes) sink.tooLong(bytes);
    else if (parts.length === 0) sink.line(chunk.toString('utf8', from, to));
    else sink.line(Buffer.concat([...parts, chunk.subarray(from, to)]).toString('utf8'));
    parts = [];
    partBytes = 0;
    skipping = false;
  };

  const keep = (chunk: Buffer, from: number) => {
    if (from >= chunk.length) return;
    partBytes += chunk.length - from;
    if (skipping) return;
    if (partBytes > maxLineBytes) {
      skipping = true;
      parts = [];
    } else {
      // A copy, so the rest of the read buffer is not kept alive with it.
      parts.push(Buffer.from(chunk.subarray(from)));
    }
  };

  const stream = createReadStream(path, { start, end: end - 1, highWaterMark });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      finish(chunk, from, nl);
      from = nl + 1;
    }
    keep(chunk, from);
  }
  // The file's last line when it has no final newline.
  if (partBytes > 0) finish(Buffer.alloc(0), 0, 0);
}
