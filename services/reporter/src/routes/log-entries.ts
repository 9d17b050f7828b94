import {
  dbErrors,
  decodeCursor,
  type EntryFilter,
  encodeCursor,
  type JobRecords,
  type LogQueries,
} from '@evh/db';
import { projectIdSchema } from '@evh/events';
import { httpErrors, parseInput, routeDoc } from '@evh/http';
import { assertCanRead } from '@evh/projects';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** PostgreSQL's side of the read API; absent where the reporter runs without a database. */
export interface LogStore {
  queries: LogQueries;
  records: JobRecords;
}

const jobParams = z.object({ job_id: z.string().uuid('must be a job id (a UUID)') });
const projectParams = z.object({ projectId: projectIdSchema });

const cursorParam = z
  .string()
  .max(512)
  .optional()
  .describe('the nextCursor of the previous page; absent for the first');

/** The filters of both entry lists (they combine with AND). */
const entryQuery = z.object({
  level: z
    .string()
    .max(200)
    .optional()
    .describe('one level or status, or several separated by commas (INFO,ERROR); case does not matter'),
  status: z.string().max(200).optional().describe('the same as level (the payment format calls it status)'),
  service: z.string().max(200).optional(),
  user: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('entries at or after this instant (ISO-8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('entries before this instant'),
  q: z.string().min(1).max(200).optional().describe('full-text search: messages with all these words'),
  order: z.enum(['newest', 'oldest']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: cursorParam,
});

const jobListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorParam,
});

const invalidQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: cursorParam,
});

function filterOf(q: z.output<typeof entryQuery>, defaultOrder: EntryFilter['order']): EntryFilter {
  const levels = (q.level ?? q.status)
    ?.split(',')
    .map((l) => l.trim().toUpperCase())
    .filter(Boolean);
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (after === null)
    throw httpErrors.VALIDATION_FAILED('cursor: not a cursor this API gave out (use nextCursor as it is)');
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from >= to) throw httpErrors.VALIDATION_FAILED('from must be before to');
  return {
    ...(levels?.length ? { levels } : {}),
    ...(q.service !== undefined ? { service: q.service } : {}),
    ...(q.user !== undefined ? { user: q.user } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(q.q !== undefined ? { q: q.q } : {}),
    order: q.order ?? defaultOrder,
    limit: q.limit,
    ...(after ? { after } : {}),
  };
}

/**
 * The parsed entries of uploads, from PostgreSQL: one job's in line order, a project's in time
 * order, and a job's invalid lines. Keyset pagination: each page gives the next one's cursor.
 */
export function registerLogEntryRoutes(app: FastifyInstance, store: LogStore | undefined): void {
  const tags = ['jobs'];
  const need = (): LogStore => {
    if (!store) throw dbErrors.DB_UNAVAILABLE('this reporter has no database (DATABASE_URL)');
    return store;
  };
  async function readableJob(req: FastifyRequest, jobId: string) {
    const job = await need().records.get(jobId);
    if (!job) throw httpErrors.NOT_FOUND(`no stored entries for job ${jobId} (not started yet, or expired)`);
    assertCanRead(req, job.projectId);
    return job;
  }

  app.get(
    '/api/v1/jobs/:job_id/entries',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A job's parsed entries, by line (oldest first unless order=newest), filtered",
        tags,
        params: jobParams,
        querystring: entryQuery,
      }),
    },
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const filter = filterOf(parseInput(entryQuery, req.query, 'query'), 'oldest');
      const job = await readableJob(req, job_id);
      return {
        job: { id: job.jobId, status: job.status, entriesLine: job.entriesLine },
        ...(await need().queries.jobEntries(job_id, job.uploadDay, filter)),
      };
    },
  );

  app.get(
    '/api/v1/jobs/:job_id/invalid-lines',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A job's lines that could not be used, with the reason, by line",
        tags,
        params: jobParams,
        querystring: invalidQuery,
      }),
    },
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const q = parseInput(invalidQuery, req.query, 'query');
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (after === null)
        throw httpErrors.VALIDATION_FAILED(
          'cursor: not a cursor this API gave out (use nextCursor as it is)',
        );
      await readableJob(req, job_id);
      return need().queries.invalidLines(job_id, after?.line ?? 0, q.limit);
    },
  );

  app.get(
    '/v1/projects/:projectId/jobs',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A project's upload jobs from their records, newest first",
        tags,
        params: projectParams,
        querystring: jobListQuery,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(projectParams, req.params);
      const q = parseInput(jobListQuery, req.query, 'query');
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (after === null || (after && after.ts === null))
        throw httpErrors.VALIDATION_FAILED(
          'cursor: not a cursor this API gave out (use nextCursor as it is)',
        );
      const rows = await need().records.list(
        projectId,
        q.limit + 1,
        after ? { createdAt: after.ts as number, jobId: after.jobId } : undefined,
      );
      const jobs = rows.slice(0, q.limit);
      const last = jobs.at(-1);
      return {
        jobs,
        nextCursor:
          rows.length > q.limit && last
            ? encodeCursor({ ts: last.createdAt.getTime(), jobId: last.jobId, line: 0 })
            : null,
      };
    },
  );

  app.get(
    '/v1/projects/:projectId/logs',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary:
          "A project's parsed log entries over all its uploads, newest first unless order=oldest, filtered",
        tags,
        params: projectParams,
        querystring: entryQuery,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(projectParams, req.params);
      const filter = filterOf(parseInput(entryQuery, req.query, 'query'), 'newest');
      // A job list's cursor has no time: taken here it would start page one again, forever.
      if (filter.after && filter.after.ts === null)
        throw httpErrors.VALIDATION_FAILED("cursor: a job's entries cursor, not a project's logs cursor");
      return need().queries.projectEntries(projectId, filter);
    },
  );
}
