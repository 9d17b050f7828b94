import { CRASH_KIND, INVALID_CRASH_KIND, projectIdSchema } from '@evh/events';

/** The key of events that name no project: they share one flow of the fair scheduler. */
export const NO_PROJECT = '';

function validProject(value: unknown): string | undefined {
  const parsed = projectIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The project a message of the `events` topic is charged to, by the same rule the ingest
 * uses for quotas: a crash report's projectId, an invalid crash's projectId, or an event's
 * `payload.projectId` when it is a valid project id. Anything else, including a value that
 * is not JSON, is charged to NO_PROJECT (the processor deals with it as before).
 */
export function projectKeyOf(value: Buffer | string | null): string {
  if (value === null) return NO_PROJECT;
  let message: {
    kind?: unknown;
    crash?: { projectId?: unknown };
    invalid?: { projectId?: unknown };
    payload?: { projectId?: unknown };
  };
  try {
    message = JSON.parse(value.toString()) ?? {};
  } catch {
    return NO_PROJECT;
  }
  if (typeof message !== 'object') return NO_PROJECT;
  const raw =
    message.kind === CRASH_KIND
      ? message.crash?.projectId
      : message.kind === INVALID_CRASH_KIND
        ? message.invalid?.projectId
        : message.payload?.projectId;
  return validProject(raw) ?? NO_PROJECT;
}
