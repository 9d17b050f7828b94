import { randomBytes } from 'node:crypto';
import { type EventsV1Api, V1MicroTime, type V1ObjectReference } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface RecordedEvent {
  regarding: V1ObjectReference;
  type: 'Normal' | 'Warning';
  /** Why, in UpperCamelCase, e.g. ScaledUp. */
  reason: string;
  /** What was done, e.g. Scale. */
  action: string;
  note: string;
}

export interface EventRecorder {
  /** Never throws: an event that cannot be written is logged, the decision stands. */
  record(event: RecordedEvent): Promise<void>;
}

export const REPORTING_CONTROLLER = 'eventhorizon.io/controller';

/** Writes events.k8s.io/v1 Events, which `kubectl events` and `kubectl describe` show. */
export function createEventRecorder(deps: {
  api: EventsV1Api;
  namespace: string;
  instance: string;
  logger: Pick<Logger, 'warn'>;
  now?: () => number;
}): EventRecorder {
  const now = deps.now ?? Date.now;
  return {
    async record(event) {
      try {
        await deps.api.createNamespacedEvent({
          namespace: deps.namespace,
          body: {
            // client-go's naming: the object's name and a unique hex suffix.
            metadata: {
              name: `${event.regarding.name ?? 'evh'}.${now().toString(16)}${randomBytes(3).toString('hex')}`,
            },
            eventTime: new V1MicroTime(now()),
            reportingController: REPORTING_CONTROLLER,
            reportingInstance: deps.instance,
            action: event.action,
            reason: event.reason,
            note: event.note.slice(0, 1024),
            type: event.type,
            regarding: event.regarding,
          },
        });
      } catch (err) {
        deps.logger.warn({ err, reason: event.reason }, 'recording a Kubernetes event failed');
      }
    },
  };
}
