import type { z } from 'zod';
import { httpErrors } from './http-errors.js';
import { describeIssues, toIssues } from './validation-issues.js';

/**
 * Parses a request part (params, query, body) with its zod schema, or throws a 400 whose
 * message and `issues` name each field and rule. `where` prefixes the field names.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, where = ''): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = toIssues(result.error, where);
  throw httpErrors.VALIDATION_FAILED(describeIssues(issues), { details: { issues } });
}
