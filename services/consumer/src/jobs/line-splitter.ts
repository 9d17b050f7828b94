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
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  const line = (buf: Buffer, end: number): SplitLine => {
    const n = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
    return { text: buf.toString('utf8', 0, n), end };
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      const end = offset + nl + 1;
      if (skipping) {
        yield { text: '', end, tooLong: true };
        skipping = false;
      } else {
        const piece = chunk.subarray(from, nl);
        const whole = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]);
        if (whole.length > maxLineBytes) yield { text: '', end, tooLong: true };
        else yield line(whole, end);
      }
      pending = [];
      pendingBytes = 0;
      from = nl + 1;
    }
    if (from < chunk.length && !skipping) {
      const rest = chunk.subarray(from);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) {
        skipping = true;
        pending = [];
        pendingBytes = 0;
      } else {
        pending.push(Buffer.from(rest));
      }
    }
    offset += chunk.length;
  }
  if (skipping) yield { text: '', end: offset, tooLong: true };
  else if (pendingBytes > 0) yield line(Buffer.concat(pending), offset);
}
