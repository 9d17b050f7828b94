import { CRASH_KIND, type CrashReport, INVALID_CRASH_KIND } from './crash-report.js';
import type { EventInput } from './event-input.js';
import {
  type CrashMessage,
  type InvalidCrashMessage,
  PLAIN_EVENT_KIND,
  type PlainEventMessage,
} from './event-message.js';

/** The one place a client's event becomes a message; its extra top-level fields are kept. */
export function plainEventMessage(input: EventInput, id: string, now: number): PlainEventMessage {
  const { eventId: _clientId, userId, type, payload, ...extra } = input;
  return { ...extra, id, userId, type, payload, timestamp: now, kind: PLAIN_EVENT_KIND };
}

/** A valid crash report as a message; the client's eventId became the message id. */
export function crashMessage(report: CrashReport, id: string, now: number): CrashMessage {
  const { eventId: _clientId, ...crash } = report;
  return {
    id,
    userId: report.userId ?? '',
    type: CRASH_KIND,
    kind: CRASH_KIND,
    payload: {},
    timestamp: now,
    crash,
  };
}

/** An invalid report that named a valid project: counted against it, never stored. */
export function invalidCrashMessage(
  projectId: string,
  reasons: string[],
  id: string,
  now: number,
): InvalidCrashMessage {
  return {
    id,
    userId: '',
    type: INVALID_CRASH_KIND,
    kind: INVALID_CRASH_KIND,
    payload: {},
    timestamp: now,
    invalid: { projectId, reasons: reasons.slice(0, 50) },
  };
}
