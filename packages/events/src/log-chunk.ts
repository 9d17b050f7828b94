import { z } from 'zod';

/**
 * The kind of the events an upload job produces: one per chunk of its file (a few thousand
 * lines), carrying the chunk's analytics already counted by the job worker. A line creates
 * no event and no key of its own.
 */
export const LOG_CHUNK_KIND = 'log.chunk';

const count = z.number().int().positive();
/**
 * Name -> count as pairs, not an object: a user or service may be called `__proto__`, and
 * pairs go to the Lua script's arguments as they are.
 */
const counts = z.array(z.tuple([z.string(), count]));

/** The `chunk` field of a `log.chunk` event. */
export const logChunkSchema = z.object({
  jobId: z.string().uuid(),
  /** The upload's project: its analytics get the chunk too, and the fair scheduler charges it. */
  projectId: z.string().nullable(),
  /** The chunk's first and last line numbers (1-based): the chunk is the unit of idempotency. */
  firstLine: z.number().int().positive(),
  lastLine: z.number().int().positive(),
  /** Valid lines in the chunk: what `processed` grows by, and the chunk's cost to the scheduler. */
  lines: z.number().int().positive(),
  /** Byte range of the chunk in the file, [start, end). */
  startOffset: z.number().int().nonnegative(),
  endOffset: z.number().int().nonnegative(),
  statuses: counts,
  /** Lines without a service or user are left out of these. */
  services: counts,
  users: counts,
  /** Hour of day (UTC) -> count; a line whose timestamp gave no hour is left out. */
  hours: z.array(z.tuple([z.number().int().min(0).max(23), count])),
});

export type LogChunk = z.output<typeof logChunkSchema>;

/** The event id of a chunk: a chunk produced again after a restart has the same one. */
export const logChunkId = (jobId: string, firstLine: number) => `${jobId}:chunk:${firstLine}`;
