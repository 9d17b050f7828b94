import { isCodedError } from '@evh/lifecycle';
import type { ExecutionResult } from 'graphql';
import mercurius, { type MercuriusContext } from 'mercurius';

/**
 * GraphQL answers 200 with `errors` by default, even when Redis could not be read: a client
 * could not tell "no such job" from "try again". A query that failed because a dependency
 * is unavailable (a coded 503) is a 503 with Retry-After, like every other route, and each
 * error carries the code in `extensions.code`.
 */
export function graphqlErrorFormatter<TContext extends MercuriusContext = MercuriusContext>(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: TContext,
) {
  const formatted = mercurius.defaultErrorFormatter(execution, context);
  const unavailable = execution.errors
    .map((e) => e.originalError)
    .find((e) => isCodedError(e) && e.status === 503);
  if (!isCodedError(unavailable)) return formatted;
  context.reply.header('Retry-After', 1);
  return {
    statusCode: 503,
    response: {
      ...formatted.response,
      errors: (formatted.response.errors ?? []).map((e) => ({
        ...e,
        extensions: { ...e.extensions, code: unavailable.code },
      })),
    },
  };
}
