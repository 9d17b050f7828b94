import { z } from 'zod';

/** Segments that would walk into an object's prototype instead of the client's data. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export const counterNameSchema = z
  .string()
  .min(1, 'must be a non-empty string')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may only contain letters, digits and . _ -');

export const counterPathSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must be a non-empty string')
  .max(256, 'must be at most 256 characters')
  .regex(
    /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/,
    'must be dot-separated names, e.g. metadata.subscription.level',
  )
  .refine((path) => path.split('.').every((s) => !FORBIDDEN_SEGMENTS.has(s)), {
    message: 'may not contain __proto__, prototype or constructor',
  });

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * A custom counter: every valid crash of the project is tested against it, and matching
 * crashes increment it. The value's type must suit the operator.
 */
export const counterDefinitionSchema = z.discriminatedUnion(
  'op',
  [
    z.object({ path: counterPathSchema, op: z.enum(['eq', 'ne']), value: scalar }),
    z.object({
      path: counterPathSchema,
      op: z.enum(['gt', 'gte', 'lt', 'lte']),
      value: z.number({ error: 'must be a number for gt, gte, lt, lte' }),
    }),
    z.object({ path: counterPathSchema, op: z.literal('exists'), value: z.boolean().default(true) }),
    z.object({
      path: counterPathSchema,
      op: z.literal('in'),
      value: z.array(scalar, { error: 'must be an array for in' }).min(1).max(100),
    }),
    z.object({
      path: counterPathSchema,
      op: z.literal('contains'),
      value: z.union([z.string(), z.number(), z.boolean()]),
    }),
  ],
  { error: 'op must be one of eq, ne, gt, gte, lt, lte, exists, in, contains' },
);

export type CounterDefinition = z.output<typeof counterDefinitionSchema>;
