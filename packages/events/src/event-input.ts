import { z } from 'zod';

/**
 * What a client posts to `POST /events` (and each item of `POST /events/batch`).
 * `payload` keeps unknown fields: it is the client's data. Only `seq` (ordering), `failUntil` and
 * `fail` (the built-in way to make processing fail) mean something to the platform.
 */
export const eventPayloadSchema = z.looseObject({
  seq: z.number().int('must be an integer').positive('must be a positive integer').optional(),
  fail: z.boolean().optional(),
  /** Fails the event's processing until this time (ms since the epoch): a transient failure. */
  failUntil: z.number().int('must be an integer').positive('must be a positive integer').optional(),
});

export const eventIdSchema = z
  .string()
  .min(1, 'must be a non-empty string')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'may only contain letters, digits and . _ : -');

export const eventInputSchema = z.looseObject({
  eventId: eventIdSchema.optional(),
  userId: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must be a non-empty string')
    .max(256, 'must be at most 256 characters'),
  type: z.string({ error: 'must be a string' }).max(128, 'must be at most 128 characters'),
  payload: eventPayloadSchema.default({}),
});

export type EventInput = z.output<typeof eventInputSchema>;

export const MAX_BATCH = 1000;

/** The batch envelope; items are validated one by one so one bad item never fails the batch. */
export const eventBatchSchema = z.object({
  events: z
    .array(z.unknown(), { error: 'must be an array of events' })
    .min(1, 'must contain at least 1 event')
    .max(MAX_BATCH, `must contain at most ${MAX_BATCH} events`),
});
