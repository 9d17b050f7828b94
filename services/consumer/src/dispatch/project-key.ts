import {
  CRASH_KIND,
  type EventMessage,
  INVALID_CRASH_KIND,
  LOG_CHUNK_KIND,
  LOG_LINE_KIND,
  payloadProject,
} from '@evh/events';

/** The key of events that name no project: they share one flow of the fair scheduler. */
export const NO_PROJECT = '';

/**
 * The project a message of the `events` topic is charged to, by the same rule the ingest
 * uses for quotas: a crash report's projectId, an invalid crash's projectId, or an event's
 * `payload.projectId` when it is a valid project id; an upload's lines (a log chunk) go to
 * the upload's project (lines are not admitted one by one, but they share the consumer
 * fairly). Anything else (a message that was not an event at all included) is charged to
 * NO_PROJECT. Takes the already decoded message: the value is parsed once per message.
 */
export function projectKeyOf(message: EventMessage): string {
  let raw: unknown;
  switch (message.kind) {
    case CRASH_KIND:
      raw = message.crash.projectId;
      break;
    case INVALID_CRASH_KIND:
      raw = message.invalid.projectId;
      break;
    case LOG_LINE_KIND:
      raw = (message.log as { projectId?: unknown } | undefined)?.projectId;
      break;
    case LOG_CHUNK_KIND:
      raw = message.chunk.projectId;
      break;
    default:
      // A plain event that names no project (most do not) is decided without a lookup.
      if (message.payload.projectId === undefined) return NO_PROJECT;
      raw = message.payload.projectId;
  }
  // The same check as the ingest's, wherever the id sits in the message.
  return payloadProject({ projectId: raw }) ?? NO_PROJECT;
}

/**
 * What a message costs its project in the fair scheduler: one, or the number of lines of
 * an upload's chunk, so a 5,000-line chunk weighs like 5,000 events against other projects.
 */
export function costOf(message: EventMessage): number {
  return message.kind === LOG_CHUNK_KIND ? message.chunk.lines : 1;
}
