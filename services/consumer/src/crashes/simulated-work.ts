import { z } from 'zod';

export interface WorkRange {
  min: number;
  max: number;
}

/**
 * `CRASH_SIMULATED_WORK_MS` / `JOB_SIMULATED_LINE_DELAY_MS`: `0` (off), `250` (fixed) or
 * `10-1000` (uniformly random per item), standing in for a slow database as the briefs ask.
 */
export const workRangeSchema = z
  .string()
  .default('0')
  .transform((text, ctx): WorkRange => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'must be a number of ms or a range like 10-1000' });
      return z.NEVER;
    }
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : Number(m[2]);
    if (max < min) {
      ctx.addIssue({ code: 'custom', message: 'range must be low-high' });
      return z.NEVER;
    }
    return { min, max };
  });

export function pickDelay(range: WorkRange, random: () => number = Math.random): number {
  return range.min + Math.floor(random() * (range.max - range.min + 1));
}
