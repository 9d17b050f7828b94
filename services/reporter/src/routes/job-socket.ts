import type { JobView } from '@evh/events';
import { isRetriable } from '@evh/lifecycle';
import { assertCanRead, canRead } from '@evh/projects';
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { JobReader } from '../jobs/job-reader.js';
import type { ProgressHub } from '../jobs/progress-hub.js';

const params = z.object({ job_id: z.string().uuid() });
const rank: Record<string, number> = { queued: 0, processing: 1, completed: 2, failed: 2 };

/** Whether `next` is a later state than `sent`: states only move forward. */
function isNewer(sent: JobView | null, next: JobView): boolean {
  if (!sent) return true;
  const a = rank[sent.status] ?? 0;
  const b = rank[next.status] ?? 0;
  return b > a || (b === a && next.progress.percent > sent.progress.percent);
}

/** 403 for a project's token on another project's job; the admin reads every job. */
async function refuseOtherProjects(req: FastifyRequest, jobs: JobReader): Promise<void> {
  const parsed = params.safeParse(req.params);
  if (!parsed.success || req.principal?.kind !== 'project') return;
  const job = await jobs.job(parsed.data.job_id);
  if (job) assertCanRead(req, job.project_id);
}

/** Why the socket closes before sending a job: none, or another project's (checked again here). */
function refusal(req: FastifyRequest, jobId: string, job: JobView | null): [number, string] | undefined {
  if (!job) return [4404, `no job ${jobId}`];
  return canRead(req, job.project_id) ? undefined : [4403, 'this token is of another project'];
}

/**
 * `WS /ws/jobs/:job_id`: the job's state on connect, then at each stage (started, every
 * 10 %, completed or failed); the socket closes after the final state.
 */
export function registerJobSocket(app: FastifyInstance, jobs: JobReader, hub: ProgressHub): void {
  app.get(
    '/ws/jobs/:job_id',
    {
      websocket: true,
      config: { auth: 'read' },
      schema: { hide: true } as Record<string, unknown>,
      // Before the upgrade, so another project's token gets an HTTP 403, as on every route.
      preValidation: (req) => refuseOtherProjects(req, jobs),
    },
    (socket, req) => {
      const parsed = params.safeParse(req.params);
      if (!parsed.success) {
        socket.close(4400, 'job_id must be a UUID');
        return;
      }
      const jobId = parsed.data.job_id;
      let sent: JobView | null = null;
      let reading = Promise.resolve();
      const push = () => {
        // Serialized, so two stages read close together are sent in order.
        reading = reading.then(async () => {
          const job = await jobs.job(jobId);
          if (socket.readyState !== socket.OPEN) return;
          const refused = refusal(req, jobId, job);
          if (refused || !job) {
            socket.close(...(refused ?? [4404, `no job ${jobId}`]));
            return;
          }
          if (!isNewer(sent, job)) return;
          sent = job;
          socket.send(JSON.stringify(job));
          if (job.status === 'completed' || job.status === 'failed') socket.close(1000, job.status);
        });
        reading = reading.catch((err: unknown) => {
          req.log.warn({ err, jobId }, 'job update not sent');
          // Redis unavailable: 1013 "try again later", so the client reconnects instead of
          // waiting on a socket that may never say anything.
          if (isRetriable(err) && socket.readyState === socket.OPEN) socket.close(1013, 'try again later');
        });
      };
      // Listen before the first read, so a stage reached in between is not missed.
      const stop = hub.listen(jobId, push);
      socket.on('close', stop);
      push();
    },
  );
}
