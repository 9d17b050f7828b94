import { type Logger, pino } from 'pino';

/** Query parameters that carry a credential (Sentry's SDKs, a browser's WebSocket). */
const SECRET_PARAMS = /([?&](?:sentry_key|token|key)=)[^&#]*/gi;

/** A URL as it may be logged: the values of credential parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Fastify's request fields, minus any key: headers are never logged, and a key sent in the
 * query string is replaced (Fastify takes a logger's own serializers over its defaults).
 */
function requestSerializer(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function createLogger(service: string, level: string): Logger {
  return pino({ name: service, level, base: { service }, serializers: { req: requestSerializer } });
}
