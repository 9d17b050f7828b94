import { projectIdSchema } from '@evh/events';
import { httpErrors, parseInput, routeDoc } from '@evh/http';
import { assertCanRead } from '@evh/projects';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { JobReader } from '../jobs/job-reader.js';
import { pageQuery } from './page-query.js';

const jobParams = z.object({ job_id: z.string().uuid('must be a job id (a UUID)') });
const projectParams = z.object({ projectId: projectIdSchema });
const page = pageQuery(100, 500);

/** A job the request may read; 404 when there is none, 403 when it is another project's. */
async function readableJob(req: FastifyRequest, jobs: JobReader, jobId: string): Promise<void> {
  const job = await jobs.job(jobId);
  if (!job) throw httpErrors.NOT_FOUND(`no job ${jobId}`);
  assertCanRead(req, job.project_id);
}

/** Upload jobs and the payment-log analytics their lines feed. */
export function registerJobRoutes(app: FastifyInstance, jobs: JobReader): void {
  const tags = ['jobs'];
  app.get(
    '/api/v1/jobs/:job_id',
    {
      config: { auth: 'read' },
      ...routeDoc({ summary: 'A job: status, progress, timestamps, error', tags, params: jobParams }),
    },
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const job = await jobs.job(job_id);
      if (!job) throw httpErrors.NOT_FOUND(`no job ${job_id}`);
      assertCanRead(req, job.project_id);
      return job;
    },
  );

  app.get(
    '/api/v1/jobs/:job_id/summary',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A job's summary: payment_statuses, top_services, top_users, peak_hours, line counts",
        tags,
        params: jobParams,
      }),
    },
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      await readableJob(req, jobs, job_id);
      const summary = await jobs.jobSummary(job_id);
      if (!summary) throw httpErrors.NOT_FOUND(`no job ${job_id}`);
      return summary;
    },
  );

  app.get(
    '/api/v1/jobs/:job_id/anomalies',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A job's anomalies, in line order",
        tags,
        params: jobParams,
        querystring: page,
      }),
    },
    async (req) => {
      const { job_id } = parseInput(jobParams, req.params);
      const q = parseInput(page, req.query, 'query');
      await readableJob(req, jobs, job_id);
      return jobs.jobAnomalies(job_id, q.limit, q.offset);
    },
  );

  app.get(
    '/v1/projects/:projectId/summary',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A project's payment-log summary over all its jobs",
        tags,
        params: projectParams,
      }),
    },
    async (req) => jobs.projectSummary(parseInput(projectParams, req.params).projectId),
  );

  app.get(
    '/v1/projects/:projectId/anomalies',
    {
      config: { auth: 'read' },
      ...routeDoc({
        summary: "A project's latest anomalies, newest first",
        tags,
        params: projectParams,
        querystring: page,
      }),
    },
    async (req) => {
      const { projectId } = parseInput(projectParams, req.params);
      const q = parseInput(page, req.query, 'query');
      return jobs.projectAnomalies(projectId, q.limit, q.offset);
    },
  );
}
