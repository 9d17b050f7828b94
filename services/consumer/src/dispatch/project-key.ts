import {
  CRASH_KIND,
  type EventMessage,
  INVALID_CRASH_KIND,
  LOG_LINE_KIND,
  payloadProject,
} from '@evh/events';

/** The key of events that name no project: they share one flow of the fair scheduler. */
export const NO_PROJECT = '';

/**
 * The project a message of the `events` topic is charged to, by the same rule the ingest
 * uses for quotas: a crash report's projectId, an invalid crash's projectId, or an event's
 * `payload.projectId` when it is a valid project id; a line of an uploaded file goes to the
 * upload's project (lines are not admitted one by one, but they share the consumer fairly). Anything else (a message that was not
 * an event at all included) is charged to NO_PROJECT. Takes the already decoded message:
 * the value is parsed once per message.
 */
export function projectKeyOf(message: EventMessage): string {
  const m = message as EventMessage & {
    crash?: { projectId?: unknown };
    invalid?: { projectId?: unknown };
    log?: { projectId?: unknown };
  };
  const raw =
    m.kind === CRASH_KIND
      ? m.crash?.projectId
      : m.kind === INVALID_CRASH_KIND
        ? m.invalid?.projectId
        : m.kind === LOG_LINE_KIND
          ? m.log?.projectId
          : m.payload.projectId;
  // The same check as the ingest's, wherever the id sits in the message.
  return payloadProject({ projectId: raw }) ?? NO_PROJECT;
}
