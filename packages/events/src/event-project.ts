import { projectIdSchema } from './crash-report.js';

/**
 * The project an event's `payload.projectId` names, when it is a valid project id; the
 * rule the ingest's quotas and the consumer's fair share both charge events by. Runs for
 * every event: most name no project, and those return before any schema is consulted (a
 * failed zod parse builds an error object).
 */
export function payloadProject(payload: Record<string, unknown>): string | undefined {
  const value = payload.projectId;
  if (typeof value !== 'string') return undefined;
  const parsed = projectIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
