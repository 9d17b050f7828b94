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
      job: async (_root: unknown, { id }: { id: string }) =>
        /^[0-9a-f-]{36}$/i.test(id) ? jobs.job(id) : null,
    },
  };
}
