import type { FastifyRequest } from 'fastify';

/** `Sentry sentry_key=…, sentry_version=7, …` (X-Sentry-Auth, or Authorization from old SDKs). */
function sentryKey(header: string): string | undefined {
  if (!/^\s*sentry\s/i.test(header)) return undefined;
  const m = /(?:^|[\s,])sentry_key\s*=\s*([^,\s]+)/i.exec(header);
  return m?.[1];
}

function single(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  return v === '' ? undefined : v;
}

/**
 * The secret a request carries, wherever the clients we serve put it: `Authorization: Bearer`,
 * `X-EVH-Key`, Sentry's `X-Sentry-Auth` or `?sentry_key=`, or `?token=` (a browser's
 * WebSocket can send no header). The query forms are kept out of the logs by the request
 * serializer (see redactUrl).
 */
export function readCredential(request: FastifyRequest): string | undefined {
  const h = request.headers;
  const authorization = single(h.authorization);
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer) return bearer[1];
    const fromSentry = sentryKey(authorization);
    if (fromSentry) return fromSentry;
  }
  const evh = single(h['x-evh-key']);
  if (evh) return evh;
  const sentry = single(h['x-sentry-auth']);
  if (sentry) {
    const key = sentryKey(sentry);
    if (key) return key;
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  return single(query.sentry_key) ?? single(query.token);
}
