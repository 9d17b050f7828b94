import { z } from 'zod';
import { CRASH_KIND, crashBodySchema, INVALID_CRASH_KIND, invalidCrashSchema } from './crash-report.js';
import { eventIdSchema, eventPayloadSchema } from './event-input.js';
import { LOG_LINE_KIND } from './job.js';
import { LOG_CHUNK_KIND, logChunkSchema } from './log-chunk.js';

/** The kind of a message the ingest writes for `POST /events`; a message without `kind` is one. */
export const PLAIN_EVENT_KIND = 'event';

/**
 * The fields every message of the `events` topic has, whatever its kind. The key is the
 * userId (or the id when there is no user). The consumer reads the id from here, not from
 * headers, because a duplicate may arrive without headers.
 */
const envelope = {
  id: eventIdSchema,
  /** Empty only for kinds that have no user (a crash report without userId). */
  userId: z.string(),
  type: z.string(),
  payload: eventPayloadSchema,
  timestamp: z.number().int().nonnegative(),
};

/** A client's event; unknown top-level fields the client sent are kept. */
export const plainEventMessageSchema = z.looseObject({ ...envelope, kind: z.literal(PLAIN_EVENT_KIND) });
export const crashMessageSchema = z.looseObject({
  ...envelope,
  kind: z.literal(CRASH_KIND),
  crash: crashBodySchema,
});
export const invalidCrashMessageSchema = z.looseObject({
  ...envelope,
  kind: z.literal(INVALID_CRASH_KIND),
  invalid: invalidCrashSchema,
});
/** One valid line of an upload (the job path before chunks; kept while such messages may be queued). */
export const logLineMessageSchema = z.looseObject({
  ...envelope,
  kind: z.literal(LOG_LINE_KIND),
  log: z.unknown(),
});
/** One chunk of an upload job's lines, summarised by the job worker. */
export const logChunkMessageSchema = z.looseObject({
  ...envelope,
  kind: z.literal(LOG_CHUNK_KIND),
  chunk: logChunkSchema,
});

const kinds = z.discriminatedUnion('kind', [
  plainEventMessageSchema,
  crashMessageSchema,
  invalidCrashMessageSchema,
  logLineMessageSchema,
  logChunkMessageSchema,
]);

/**
 * The value of a message on the `events` topic: a union on `kind`, each kind with the body
 * its handler needs, validated once when the message is read. Messages written before kinds
 * existed have none and are plain events.
 */
export const eventMessageSchema = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === undefined
      ? { ...value, kind: PLAIN_EVENT_KIND }
      : value,
  kinds,
);

export type EventMessage = z.output<typeof kinds>;
export type EventKind = EventMessage['kind'];
export type PlainEventMessage = z.output<typeof plainEventMessageSchema>;
export type CrashMessage = z.output<typeof crashMessageSchema>;
export type InvalidCrashMessage = z.output<typeof invalidCrashMessageSchema>;
export type LogChunkMessage = z.output<typeof logChunkMessageSchema>;

/** The value of a message on `events.dlq`: the original event and why it failed. */
export const deadLetterSchema = z.object({
  id: z.string(),
  error: z.string(),
  attempts: z.number().int(),
  queuedAt: z.number().int(),
  event: z.unknown(),
});

export type DeadLetter = z.output<typeof deadLetterSchema>;
