import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Node's errors on a connection before any request exists, as status and code. */
const answers: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request headers took too long to arrive'],
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'the request headers are too large'],
};

/**
 * Answers what Node's HTTP parser refuses before a request exists (headers too slow, too
 * large, malformed) in the same `{code, message}` shape as every other answer, then closes
 * the connection. Fastify's default would answer in its own shape.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = answers[err.code ?? ''] ?? [400, 'BAD_REQUEST', 'malformed request'];
  const body = JSON.stringify({ code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
