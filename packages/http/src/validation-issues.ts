import type { z } from 'zod';

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `payload.seq` or `events.3.userId`. */
  field: string;
  /** The zod rule that failed, e.g. `too_small`, `invalid_type`. */
  rule: string;
  message: string;
}

export function toIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((i) => {
    const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)';
    return { field, rule: i.code, message: `${field}: ${i.message}` };
  });
}

export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => i.message).join('; ');
}
