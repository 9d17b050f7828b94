import { type EventInput, payloadProject } from '@evh/events';

/**
 * Which requests count against a project's quota: a crash report always (its projectId);
 * an event when its `payload.projectId` is a string that is a valid project id (1-64
 * letters, digits, `.`, `_`, `-`, the crash reports' rule). Any other event names no
 * project and is only user-limited. The consumer charges messages by the same rule.
 */
export function projectOfEvent(input: EventInput): string | undefined {
  return payloadProject(input.payload);
}
