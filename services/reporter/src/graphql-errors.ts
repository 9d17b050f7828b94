import { isCodedError } from '@evh/lifecycle';
import type { ExecutionResult } from 'graphql';
import mercurius, { type MercuriusContext } from 'mercurius';

/**
 * GraphQL answers 200 with `errors` by default, even when Redis could not be read or the
 * body came too slowly: a client could not tell "no such job" from "try again". A query that
 * failed with one of our coded errors takes that error's status (a 503 with Retry-After when
 * a dependency is unavailable, a 408 for a slow body), like every other route, and each
 * error carries the code in `extensions.code`.
 */
export function graphqlErrorFormatter<TContext extends MercuriusContext = MercuriusContext>(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: TContext,
) {
  const formatted = mercurius.defaultErrorFormatter(execution, context);
  const coded = execution.errors.map((e) => e.originalError).find(isCodedError);
  if (!isCodedError(coded)) return formatted;
  if (coded.status === 429 || coded.status === 503) context.reply.header('Retry-After', 1);
  return {
    statusCode: coded.status,
    response: {
      ...formatted.response,
      errors: (formatted.response.errors ?? []).map((e) => ({
        ...e,
        extensions: { ...e.extensions, code: coded.code },
      })),
    },
  };
}
