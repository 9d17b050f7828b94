import { once } from 'node:events';
import { connect } from 'node:net';

/** What came back on a raw connection: the status (null: closed with no answer) and body. */
export interface RawAnswer {
  status: number | null;
  headers: string;
  body: string;
  /** From the first byte written to the answer or the close. */
  ms: number;
}

export interface RawRequest {
  port: number;
  /** The request line and headers, without the blank line that ends them. */
  head: string;
  /** Written one after another right after the head. */
  chunks?: (string | Buffer)[];
  /** Then: half-close the socket, destroy it, or keep it open (the server must answer). */
  finish?: 'end' | 'destroy' | 'keep';
  /** A byte every `dripMs` after the chunks, until the server answers or closes. */
  dripMs?: number;
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 request over a plain TCP socket, so a test can send what no HTTP client would:
 * a body shorter than its Content-Length, a client that goes away, one that sends slowly.
 */
export async function rawRequest(req: RawRequest): Promise<RawAnswer> {
  const started = Date.now();
  const socket = connect(req.port, '127.0.0.1');
  socket.on('error', () => {});
  let data = '';
  socket.on('data', (d: Buffer) => {
    data += d.toString();
  });
  await once(socket, 'connect');
  socket.write(`${req.head}\r\n\r\n`);
  for (const chunk of req.chunks ?? []) socket.write(chunk);
  const answer = (): RawAnswer => {
    const end = data.indexOf('\r\n\r\n');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1];
    return {
      status: status ? Number(status) : null,
      headers: end === -1 ? data : data.slice(0, end),
      body: end === -1 ? '' : data.slice(end + 4),
      ms: Date.now() - started,
    };
  };
  if (req.finish === 'destroy') {
    socket.destroy();
    return answer();
  }
  if (req.finish === 'end') socket.end();
  const drip = req.dripMs
    ? setInterval(() => {
        if (socket.writable) socket.write('a');
      }, req.dripMs)
    : undefined;
  const timeout = setTimeout(() => socket.destroy(), req.timeoutMs ?? 10_000);
  // An answer with Content-Length is complete before the server closes: do not wait for it.
  const complete = () => {
    const a = answer();
    const length = /content-length: (\d+)/i.exec(a.headers)?.[1];
    return length !== undefined && Buffer.byteLength(a.body) >= Number(length);
  };
  await new Promise<void>((resolve) => {
    socket.on('data', () => {
      if (complete()) resolve();
    });
    socket.on('close', () => resolve());
  });
  clearInterval(drip);
  clearTimeout(timeout);
  const result = answer();
  socket.destroy();
  return result;
}
