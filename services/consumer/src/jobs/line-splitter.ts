import type { Readable } from 'node:stream';

export interface SplitLine {
  /** The line without its newline (and without a trailing \r). */
  text: string;
  /** The byte offset just after the line's newline: where a resumed read starts. */
  end: number;
  /** Set when the line was longer than the limit; `text` is then empty. */
  tooLong?: true;
}

/**
 * Splits a byte stream into lines, tracking the byte offset after each one so a job can
 * checkpoint exactly where to resume. A line longer than `maxLineBytes` is reported as too
 * long instead of being held in memory.
 */
export async function* splitLines(
  stream: Readable,
  startOffset: number,
  maxLineBytes: number,
): AsyncGenerator<SplitLine> {
  let offset = startOffset;
  // The start of the current line, kept while it stays within the limit.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // The current line went over the limit: its bytes are dropped until its newline.
  let skipping = false;
  const finish = (piece: Buffer, end: number): SplitLine => {
    const tooLong = skipping || pendingBytes + piece.length > maxLineBytes;
    const whole = tooLong || pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]);
    pending = [];
    pendingBytes = 0;
    skipping = false;
    return tooLong ? { text: '', end, tooLong: true } : toLine(whole, end);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      yield finish(chunk.subarray(from, nl), offset + nl + 1);
      from = nl + 1;
    }
    if (from < chunk.length && !skipping) {
      pendingBytes += chunk.length - from;
      skipping = pendingBytes > maxLineBytes;
      pending = skipping ? [] : [...pending, Buffer.from(chunk.subarray(from))];
    }
    offset += chunk.length;
  }
  if (skipping || pendingBytes > 0) yield finish(Buffer.alloc(0), offset);
}

function toLine(buf: Buffer, end: number): SplitLine {
  const n = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
  return { text: buf.toString('utf8', 0, n), end };
}
