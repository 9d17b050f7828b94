import { canRead } from '@evh/projects';
import type { FastifyReply } from 'fastify';
import type { JobReader } from './jobs/job-reader.js';

/** The same job fields as `GET /api/v1/jobs/:job_id`; sizes are Float (over 2^31 bytes fit). */
export const jobSchema = /* GraphQL */ `
  type JobProgress {
    percent: Int!
    bytes_read: Float!
    lines_read: Float!
    valid: Float!
    invalid: Float!
    processed: Float!
  }
  type Job {
    job_id: ID!
    file_name: String!
    format: String!
    project_id: String
    size: Float!
    status: String!
    created_at: String!
    started_at: String
    finished_at: String
    error: String
    progress: JobProgress!
  }
  type Query {
    job(id: ID!): Job
  }
`;

export function jobResolvers(jobs: JobReader) {
  return {
    Query: {
      // Another project's job is as absent as a job that never was: GraphQL has no 403.
      job: async (_root: unknown, { id }: { id: string }, { reply }: { reply: FastifyReply }) => {
        if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
        const job = await jobs.job(id);
        return job && canRead(reply.request, job.project_id) ? job : null;
      },
    },
  };
}
