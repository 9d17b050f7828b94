import { type CodedError, isCodedError } from '@evh/lifecycle';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { httpErrors } from './http-errors.js';

/** Fastify's own request errors, renamed to codes a client can read without knowing Fastify. */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EMPTY_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
};

/** Socket errors that say a dependency could not be reached, not that the code is wrong. */
const unreachable = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * A dependency's failure that reached us uncoded (our Redis, Kafka and storage clients code
 * their own): a client library's "cannot reach it" errors, so that they are a 503 too.
 */
function uncodedUnavailable(error: Error): CodedError | undefined {
  const e = error as Error & { code?: unknown; retriable?: unknown; statusCode?: unknown };
  // A status says whose error it is already (a client's aborted body is ECONNRESET too).
  if (e.statusCode !== undefined) return undefined;
  const reason =
    (typeof e.code === 'string' && unreachable.has(e.code)) ||
    e.name === 'MaxRetriesPerRequestError' ||
    (e.name.startsWith('KafkaJS') && e.retriable === true);
  if (!reason) return undefined;
  return httpErrors.DEPENDENCY_UNAVAILABLE(`a dependency is unavailable: ${error.message}`, { cause: error });
}

/**
 * One mapping from error to response for the whole service: coded errors carry their
 * status (a 429 or 503 with Retry-After); Fastify's request errors keep their 4xx; a
 * dependency that could not be reached is a 503; anything else is a 500 that is logged.
 */
export function errorHandler(
  raw: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const error = uncodedUnavailable(raw) ?? raw;
  if (isCodedError(error)) {
    const { retryAfterMs, ...details } = (error.details ?? {}) as { retryAfterMs?: number };
    if (error.status === 429 || error.status === 503) {
      reply.header('Retry-After', Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000)));
    }
    if (error.status >= 500) request.log.warn({ err: error }, 'request failed');
    return reply.code(error.status).send({ code: error.code, message: error.message, ...details });
  }
  const fe = error as FastifyError;
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fastifyCodes[fe.code] ?? (error.name === 'SyntaxError' ? 'MALFORMED_JSON' : (fe.code ?? 'BAD_REQUEST'));
    return reply.code(fe.statusCode).send({ code, message: error.message });
  }
  request.log.error({ err: error }, 'unhandled error');
  const internal = httpErrors.INTERNAL('internal error');
  return reply.code(internal.status).send({ code: internal.code, message: internal.message });
}
