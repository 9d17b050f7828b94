import { z } from 'zod';

/** Flag values arrive as strings; these coerce and bound them. */
export const positiveInt = z.coerce.number().int().min(1);
export const nonNegativeInt = z.coerce.number().int().min(0);

/** `--statuses SUCCESS,FAILURE` as a list. */
export const commaList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1, 'needs at least one value'));

export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((u) => u.replace(/\/+$/, ''));
