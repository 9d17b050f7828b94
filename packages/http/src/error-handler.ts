import { isCodedError } from '@evh/lifecycle';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Fastify's own request errors, renamed to codes a client can read without knowing Fastify. */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EMPTY_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
};

/**
 * One mapping from error to response for the whole service: coded errors carry their
 * status; Fastify's request errors keep their 4xx; anything else is a 500 that is logged.
 */
export function errorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
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
  return reply.code(500).send({ code: 'INTERNAL', message: 'internal error' });
}
