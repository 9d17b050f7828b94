import { counterDefinitionSchema, counterNameSchema, searchWords } from '@evh/crashes';
import { projectIdSchema } from '@evh/events';
import { httpErrors, parseInput, routeDoc } from '@evh/http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CrashStore } from '../crashes/crash-store.js';
import { pageQuery } from './page-query.js';

const project = z.object({ projectId: projectIdSchema });
const counterParams = project.extend({ name: counterNameSchema });
const issueNumber = z.coerce.number().int().positive();
const issueParams = project.extend({ number: issueNumber });
const eventParams = issueParams.extend({ n: z.coerce.number().int().positive() });
const page = pageQuery(20, 100);
const order = z.enum(['asc', 'desc']).default('desc');
const issueQuery = page.extend({
  status: z.enum(['open', 'resolved', 'ignored']).optional(),
  sort: z.enum(['last_seen', 'count']).default('last_seen'),
  order,
});
const issuePatch = z
  .object({
    status: z.enum(['open', 'resolved', 'ignored']).optional(),
    title: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.title !== undefined, { message: 'give status or title' });
const eventsQuery = page.extend({ order });
const seriesQuery = z.object({
  resolution: z
    .enum(['minute', 'hour'])
    .default('minute')
    .describe('minute: the last hour per minute; hour: the last 7 days per hour'),
});
const searchQuery = page.extend({
  q: z.string().trim().min(1, 'must name at least one word').max(512),
  issue: issueNumber.optional(),
});

const tags = ['crashes'];

/** Per-project crash statistics, custom counters, issues and search. */
export function registerCrashRoutes(app: FastifyInstance, store: CrashStore): void {
  app.get(
    '/v1/projects/:projectId/stats',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: 'Crash statistics of a project (zeros for a project never seen)',
        tags,
        params: project,
      }),
    },
    async (req) => store.stats(parseInput(project, req.params).projectId),
  );

  app.get(
    '/v1/projects/:projectId/stats/series',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: 'Crashes per severity over time: buckets of a minute or an hour, oldest first',
        tags,
        params: project,
        querystring: seriesQuery,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(project, req.params);
      const { resolution } = parseInput(seriesQuery, req.query, 'query');
      return store.series(projectId, resolution);
    },
  );

  app.get(
    '/v1/projects/:projectId/counters',
    {
      config: { auth: 'read' },
      ...routeDoc({ summary: 'Custom counters of a project, with their counts', tags, params: project }),
    },
    async (req) => ({ counters: await store.listCounters(parseInput(project, req.params).projectId) }),
  );

  app.put(
    '/v1/projects/:projectId/counters/:name',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: 'Define or replace a custom counter; a changed definition counts from zero, from now on',
        tags,
        params: counterParams,
        body: counterDefinitionSchema,
        responses: { 200: 'replaced or unchanged', 201: 'created', 400: 'invalid definition' },
      }),
    },
    async (req, reply) => {
      const { projectId, name } = parseInput(counterParams, req.params);
      const def = parseInput(counterDefinitionSchema, req.body);
      const outcome = await store.putCounter(projectId, name, def);
      if (outcome === 'too_many') {
        throw httpErrors.VALIDATION_FAILED(
          `project ${projectId} already has the most counters allowed (100)`,
        );
      }
      return reply.code(outcome === 'created' ? 201 : 200).send({ name, ...def, outcome });
    },
  );

  app.delete(
    '/v1/projects/:projectId/counters/:name',
    {
      config: { auth: 'read' },
      ...routeDoc({ summary: 'Delete a custom counter and its count', tags, params: counterParams }),
    },
    async (req, reply) => {
      const { projectId, name } = parseInput(counterParams, req.params);
      if (!(await store.deleteCounter(projectId, name))) {
        throw httpErrors.NOT_FOUND(`project ${projectId} has no counter ${name}`);
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/projects/:projectId/issues',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: 'Issues of a project, paginated',
        tags,
        params: project,
        querystring: issueQuery,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(project, req.params);
      const q = parseInput(issueQuery, req.query, 'query');
      return store.listIssues(projectId, { ...q, sort: q.sort === 'count' ? 'count' : 'last' });
    },
  );

  app.get(
    '/v1/projects/:projectId/issues/:number',
    { config: { auth: 'read' }, ...routeDoc({ summary: 'One issue', tags, params: issueParams }) },
    async (req) => {
      const { projectId, number } = parseInput(issueParams, req.params);
      const issue = await store.getIssue(projectId, number);
      if (!issue) throw httpErrors.NOT_FOUND(`project ${projectId} has no issue ${number}`);
      return issue;
    },
  );

  app.patch(
    '/v1/projects/:projectId/issues/:number',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: 'Change the status or title of an issue',
        tags,
        params: issueParams,
        body: issuePatch,
      }),
    },
    async (req) => {
      const { projectId, number } = parseInput(issueParams, req.params);
      const patch = parseInput(issuePatch, req.body);
      if (!(await store.updateIssue(projectId, number, patch))) {
        throw httpErrors.NOT_FOUND(`project ${projectId} has no issue ${number}`);
      }
      return store.getIssue(projectId, number);
    },
  );

  app.get(
    '/v1/projects/:projectId/issues/:number/events',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: 'Crashes of an issue, paginated',
        tags,
        params: issueParams,
        querystring: eventsQuery,
      }),
    },
    async (req) => {
      const { projectId, number } = parseInput(issueParams, req.params);
      return store.issueEvents(projectId, number, parseInput(eventsQuery, req.query, 'query'));
    },
  );

  app.get(
    '/v1/projects/:projectId/issues/:number/events/:n',
    {
      config: { auth: 'read' },
      ...routeDoc({ summary: 'The n-th crash of an issue', tags, params: eventParams }),
    },
    async (req) => {
      const { projectId, number, n } = parseInput(eventParams, req.params);
      const crash = await store.issueEvent(projectId, number, n);
      if (!crash) throw httpErrors.NOT_FOUND(`issue ${number} of project ${projectId} has no event ${n}`);
      return crash;
    },
  );

  app.get(
    '/v1/projects/:projectId/search',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "Crashes whose message contains all the query's words, newest first",
        tags,
        params: project,
        querystring: searchQuery,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(project, req.params);
      const q = parseInput(searchQuery, req.query, 'query');
      const words = searchWords(q.q, 16);
      if (words.length === 0) {
        throw httpErrors.VALIDATION_FAILED('query.q: must contain a word of 2 or more letters or digits');
      }
      return { query: words, ...(await store.search(projectId, { ...q, words })) };
    },
  );
}
