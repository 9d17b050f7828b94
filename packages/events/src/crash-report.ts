import { z } from 'zod';
import { eventIdSchema } from './event-input.js';

/**
 * A crash report as seed 000 defines it. Unknown top-level fields are allowed (clients send
 * SDK details we do not model); `metadata` is the client's own structure.
 */
export const projectIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must be a non-empty string')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may only contain letters, digits and . _ -');

export const severitySchema = z.enum(['error', 'warning', 'info'], {
  error: 'must be one of error, warning, info',
});
export type Severity = z.output<typeof severitySchema>;

export const stackFrameSchema = z.looseObject({
  file: z.string({ error: 'must be a string' }).min(1, 'must be a non-empty string'),
  method: z.string({ error: 'must be a string' }).min(1, 'must be a non-empty string'),
  line: z.number({ error: 'must be a number' }).int('must be an integer').nonnegative().optional(),
  /** Whether the frame is the application's own code (Sentry's in_app); grouping prefers those. */
  inApp: z.boolean({ error: 'must be a boolean' }).optional(),
  /** The source line itself (Sentry's context_line): tells anonymous frames apart in grouping. */
  context: z.string({ error: 'must be a string' }).max(1024).optional(),
});
export type StackFrame = z.output<typeof stackFrameSchema>;

export const crashReportSchema = z.looseObject({
  projectId: projectIdSchema,
  /** Not marked mandatory in the brief; a report without one is an error, as in most SDKs. */
  severity: severitySchema.default('error'),
  message: z.string({ error: 'must be a string' }).trim().min(1, 'must be a non-empty string').max(8192),
  stacktrace: z.array(stackFrameSchema, { error: 'must be an array of frames' }).max(500).default([]),
  metadata: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
  userId: z.string().min(1).max(256).optional(),
  eventId: eventIdSchema.optional(),
});

export type CrashReport = z.output<typeof crashReportSchema>;

/** The `crash` field of a Kafka message of kind `crash`; the id is the message's id. */
export const crashBodySchema = crashReportSchema.omit({ eventId: true });
export type CrashBody = z.output<typeof crashBodySchema>;

/** The `invalid` field of a message of kind `crash.invalid`: counted, never stored. */
export const invalidCrashSchema = z.object({
  projectId: projectIdSchema,
  reasons: z.array(z.string()).max(50),
});
export type InvalidCrash = z.output<typeof invalidCrashSchema>;

export const CRASH_KIND = 'crash';
export const INVALID_CRASH_KIND = 'crash.invalid';
