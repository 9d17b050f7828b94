const NL = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/**
 * Splits the buffers of a byte stream into lines, tracking the byte offset after each one so
 * a job can checkpoint exactly where to resume. A line longer than `maxLineBytes` is reported
 * as too long instead of being held in memory.
 *
 * Synchronous and without an object per line: the current line is read from the reader's
 * fields after `next()` returns true. A file of millions of lines went through an async
 * generator of `{text, end}` objects before, which cost five times the split itself (one
 * promise and one object a line).
 */
export class LineReader {
  /** The current line without its newline (and without a trailing \r); '' when too long. */
  text = '';
  /** The current line was longer than the limit; `text` is then empty. */
  tooLong = false;
  /** Bytes of the current line, its newline included. */
  bytes = 0;
  /** The byte offset just after the current line's newline: where a resumed read starts. */
  end: number;

  private buf: Buffer = EMPTY;
  /** File offset of buf[0]. */
  private base: number;
  private from = 0;
  // The start of the current line when it began in an earlier buffer, kept while it stays
  // within the limit; once over it, its bytes are dropped until its newline (`skipping`).
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private ended = false;

  constructor(
    startOffset: number,
    private readonly maxLineBytes: number,
  ) {
    this.end = startOffset;
    this.base = startOffset;
  }

  /** Takes the stream's next buffer: call next() until it returns false, then feed again. */
  feed(buf: Buffer): void {
    this.base += this.buf.length;
    this.buf = buf;
    this.from = 0;
  }

  /** Moves to the next whole line; false when the buffers fed so far hold no more. */
  next(): boolean {
    const { buf, from } = this;
    if (from >= buf.length) return this.ended && this.last();
    const nl = buf.indexOf(NL, from);
    if (nl === -1) {
      this.keep(from);
      return this.ended && this.last();
    }
    this.from = nl + 1;
    this.take(from, nl, this.base + nl + 1);
    return true;
  }

  /** The stream ended: next() gives the last line if the stream did not end with a newline. */
  endOfStream(): void {
    this.ended = true;
  }

  private last(): boolean {
    if (!this.skipping && this.pendingBytes === 0) return false;
    const end = this.base + this.buf.length;
    this.base = end;
    this.buf = EMPTY;
    this.from = 0;
    this.take(0, 0, end);
    return true;
  }

  /** The rest of the buffer is the start of a line that ends in a later one. */
  private keep(from: number): void {
    const { buf } = this;
    this.from = buf.length;
    if (this.skipping) return;
    this.pendingBytes += buf.length - from;
    this.skipping = this.pendingBytes > this.maxLineBytes;
    // Copied: the stream's buffer is not ours to hold on to.
    if (this.skipping) this.pending = [];
    else this.pending.push(Buffer.from(buf.subarray(from)));
  }

  private take(from: number, to: number, end: number): void {
    const piece = to - from;
    this.bytes = end - this.end;
    this.end = end;
    this.tooLong = this.skipping || this.pendingBytes + piece > this.maxLineBytes;
    if (this.tooLong) {
      this.text = '';
    } else if (this.pendingBytes === 0) {
      this.text = this.buf.toString('utf8', from, to > from && this.buf[to - 1] === CR ? to - 1 : to);
    } else {
      const whole = Buffer.concat([...this.pending, this.buf.subarray(from, to)]);
      const n = whole.length > 0 && whole[whole.length - 1] === CR ? whole.length - 1 : whole.length;
      this.text = whole.toString('utf8', 0, n);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }
}
