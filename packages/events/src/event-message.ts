import { z } from 'zod';
import { eventIdSchema, eventPayloadSchema } from './event-input.js';

/**
 * The value of a message on the `events` topic. The key is the userId. The consumer reads
 * the id from here, not from headers, because a duplicate may arrive without headers.
 * `kind` lets later event kinds (crash reports, log lines) ride the same topic.
 */
export const eventMessageSchema = z.looseObject({
  id: eventIdSchema,
  /** Empty only for kinds that have no user (a crash report without userId). */
  userId: z.string(),
  type: z.string(),
  payload: eventPayloadSchema,
  timestamp: z.number().int().nonnegative(),
  kind: z.string().default('event'),
});

export type EventMessage = z.output<typeof eventMessageSchema>;

/** The value of a message on `events.dlq`: the original event and why it failed. */
export const deadLetterSchema = z.object({
  id: z.string(),
  error: z.string(),
  attempts: z.number().int(),
  queuedAt: z.number().int(),
  event: z.unknown(),
});

export type DeadLetter = z.output<typeof deadLetterSchema>;
