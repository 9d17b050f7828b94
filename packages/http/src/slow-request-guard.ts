import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientErrorHandler } from './client-error-handler.js';
import { httpErrors } from './http-errors.js';
import type { HttpLimits } from './http-limits.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route streams its body (an upload): exempt from the request timeout, held to the
     * minimum transfer rate instead, so a large file at a normal rate is never cut.
     */
    streamingBody?: boolean;
  }
}

/**
 * The Fastify options that bound a request's headers. Node's own whole-request timeout is
 * left off (it cannot exempt an upload); guardSlowRequests times bodies per route instead.
 */
export function httpServerOptions(
  limits: HttpLimits,
): Pick<FastifyHttpOptions<Server>, 'http' | 'clientErrorHandler'> {
  return {
    http: {
      headersTimeout: limits.requestTimeoutMs,
      // Node checks its timeouts this often (30 s by default): a fraction of the limit.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
    },
    clientErrorHandler,
  };
}

/** Answers a request whose body is too slow (the onSend hook below closes the connection). */
function refuse(request: FastifyRequest, reply: FastifyReply, message: string): void {
  if (reply.sent || request.raw.complete) return;
  request.log.info({ url: request.url }, message);
  reply.send(httpErrors.REQUEST_TIMEOUT(message));
}

/** Fails a body that does not arrive within `ms` of its headers. */
function bodyDeadline(request: FastifyRequest, reply: FastifyReply, ms: number): () => void {
  const timer = setTimeout(
    () => refuse(request, reply, `the request body did not arrive within ${ms} ms`),
    ms,
  );
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * Fails a streamed body that brings fewer than `minBytesPerSec` over a window, counted on the
 * socket. A window in which the server itself held the body back (the store was slower than
 * the client, so the request was paused) does not count against the client.
 */
function rateMinimum(request: FastifyRequest, reply: FastifyReply, limits: HttpLimits): () => void {
  const socket = request.raw.socket;
  const minBytes = (limits.uploadMinBytesPerSec * limits.uploadRateWindowMs) / 1000;
  let last = socket.bytesRead;
  let heldBack = false;
  const onPause = () => {
    heldBack = true;
  };
  request.raw.on('pause', onPause);
  const timer = setInterval(() => {
    const got = socket.bytesRead - last;
    last = socket.bytesRead;
    const ours = heldBack || request.raw.isPaused();
    heldBack = false;
    if (!ours && got < minBytes) {
      refuse(
        request,
        reply,
        `the upload sent ${got} bytes in ${limits.uploadRateWindowMs} ms, under the minimum of ${limits.uploadMinBytesPerSec} bytes/s`,
      );
    }
  }, limits.uploadRateWindowMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    request.raw.off('pause', onPause);
  };
}

/** How long, and for how many bytes, an early answer waits for the rest of its body. */
const LINGER_MS = 1000;
const LINGER_MAX_BYTES = 64 * 1024 * 1024;

/** Reads and drops the rest of a request's body until it ends, `ms` pass or `maxBytes` came. */
function lingerOnBody(request: FastifyRequest, ms: number, maxBytes: number): Promise<void> {
  const body = request.raw;
  if (body.complete || body.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      body.off('data', count);
      body.off('end', done);
      body.off('close', done);
      body.off('error', done);
      resolve();
    };
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, ms);
    body.on('data', count);
    body.once('end', done);
    body.once('close', done);
    body.once('error', done);
    body.resume();
  });
}

function announcesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Bounds how slowly a client may send: a body that takes longer than `requestTimeoutMs`
 * (from its headers), or a streamed body under the minimum rate, is answered 408 and its
 * connection closed; a request answered before its body arrived closes its connection too.
 * Also caps the server's connections. Register before the routes.
 */
export function guardSlowRequests(app: FastifyInstance, limits: HttpLimits): void {
  app.server.maxConnections = limits.maxConnections;
  const stops = new WeakMap<FastifyRequest, () => void>();
  const stop = (request: FastifyRequest) => {
    stops.get(request)?.();
    stops.delete(request);
  };

  app.addHook('onRequest', async (request, reply) => {
    // `complete` is false only on a real socket with a body still to come (not under inject);
    // a request that announces no body (most GETs) has none to time: no timer for it.
    if (request.raw.complete !== false || !announcesBody(request)) return;
    const streaming = request.routeOptions.config.streamingBody === true;
    if (streaming && limits.uploadMinBytesPerSec === 0) return;
    const stopGuard = streaming
      ? rateMinimum(request, reply, limits)
      : bodyDeadline(request, reply, limits.requestTimeoutMs);
    stops.set(request, stopGuard);
    // Whatever ends the exchange (answer sent, connection lost) ends the guard.
    reply.raw.once('close', () => stop(request));
  });
  // The body has been read (a streamed one is only starting, and keeps its guard).
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.streamingBody !== true) stop(request);
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.raw.complete !== false) return;
    // Answered before the body arrived: the rest of it would hold the connection. Node then
    // closes the socket without ending the request stream, so whatever still reads the body
    // (the multipart parser, an upload on its way to the store) would wait forever: end it.
    reply.header('connection', 'close');
    reply.raw.once('close', () => request.raw.destroy());
    // A socket closed while the client is still sending is reset, and the reset can reach
    // the client before the answer does (a 413 for a body over the limit, read as ECONNRESET).
    // So the rest of the body is read and dropped first, briefly, as nginx's lingering close.
    await lingerOnBody(request, LINGER_MS, LINGER_MAX_BYTES);
  });
}
