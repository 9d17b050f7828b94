import { z } from 'zod';

/**
 * The shapes a field of a stored hash can have. Redis keeps every value as a string, so each
 * schema here takes the stored string and gives the typed value: a record's schema, built
 * from these, is both the list of its fields and the one place that knows how to read them.
 * A value that does not fit fails the parse (a coded error, see defineRecord); a field that
 * is absent gets the default its record declares, or stays absent.
 */

// Integers only: every number a writer stores in a record is a count, a byte offset or a
// time in ms, and Lua's integers print without a fraction. A `1.5` or a `1e+15` is corrupt.
const INTEGER = /^-?\d+$/;

export const recordField = {
  /** Any text, the empty string included. */
  text: () => z.string(),
  /** A decimal integer: counts, offsets, times in ms since the epoch. */
  int: () =>
    z
      .string()
      .regex(INTEGER, 'expected a decimal integer')
      .transform(Number)
      .pipe(z.number().int().refine(Number.isSafeInteger, 'outside the safe integer range')),
  /** `1` set, `0` not set: what Lua writes for a boolean. */
  flag: () => z.enum(['0', '1']).transform((v) => v === '1'),
  /** Text where the empty string means none (a hash cannot store a null). */
  textOrNone: () => z.string().transform((v) => (v === '' ? null : v)),
  /** JSON text, parsed; text that is not JSON fails the parse like any other bad value. */
  json: () =>
    z.string().transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    }),
} as const;
