import { projectIdSchema } from '@evh/events';
import { httpErrors, parseInput, routeDoc } from '@evh/http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { JobReader } from '../jobs/job-reader.js';
import { pageQuery } from './page-query.js';

const jobParams = z.object({ job_id: z.string().uuid('must be a job id (a UUID)') });
const projectParams = z.object({ projectId: projectIdSchema });
const page = pageQuery(100, 500);

/** Upload jobs and the payment-log analytics their lines feed. */
export function registerJobRoutes(app: FastifyInstance, jobs: JobReader): void {
  const tags = ['jobs'];
  app.get(
    '/api/v1/jobs/:job_id',
    routeDoc({ summary: 'A job: status, progress, timestamps, error', tags, params: jobParams }),
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const job = await jobs.job(job_id);
      if (!job) throw httpErrors.NOT_FOUND(`no job ${job_id}`);
      return job;
    },
  );

  app.get(
    '/api/v1/jobs/:job_id/summary',
    routeDoc({
      summary: "A job's summary: payment_statuses, top_services, top_users, peak_hours, line counts",
      tags,
      params: jobParams,
    }),
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const summary = await jobs.jobSummary(job_id);
      if (!summary) throw httpErrors.NOT_FOUND(`no job ${job_id}`);
      return summary;
    },
  );

  app.get(
    '/api/v1/jobs/:job_id/anomalies',
    routeDoc({ summary: "A job's anomalies, in line order", tags, params: jobParams, querystring: page }),
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const q = parseInput(page, req.query, 'query');
      return jobs.jobAnomalies(job_id, q.limit, q.offset);
    },
  );

  app.get(
    '/v1/projects/:projectId/summary',
    routeDoc({ summary: "A project's payment-log summary over all its jobs", tags, params: projectParams }),
    async (req) => jobs.projectSummary(parseInput(projectParams, req.params).projectId),
  );

  app.get(
    '/v1/projects/:projectId/anomalies',
    routeDoc({
      summary: "A project's latest anomalies, newest first",
      tags,
      params: projectParams,
      querystring: page,
    }),
    async (req) => {
      const { projectId } = parseInput(projectParams, req.params);
      const q = parseInput(page, req.query, 'query');
      return jobs.projectAnomalies(projectId, q.limit, q.offset);
    },
  );
}
