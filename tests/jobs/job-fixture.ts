import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, waitFor } from '@evh/testing';
import type { PipelineFixture } from '../pipeline/pipeline-fixture.js';

/** The shared sample of payment lines, beside the repository (../shared/data). */
export const SAMPLE = pathToFileURL(join(repoRoot, '../shared/data/payments-example_input.txt'));

/** Uploads a file's bytes through the real ingest, as a browser or curl would. */
export async function uploadFile(
  f: PipelineFixture,
  path: string | URL,
  options: { name?: string; projectId?: string } = {},
): Promise<string> {
  const form = new FormData();
  if (options.projectId) form.append('projectId', options.projectId);
  const name = options.name ?? basename(String(path));
  form.append('file', new Blob([readFileSync(path)], { type: 'text/plain' }), name);
  const res = await fetch(`${f.ingest.url}/api/v1/files/upload`, { method: 'POST', body: form });
  const body = (await res.json()) as { job_id?: string; message?: string };
  if (res.status !== 202 || !body.job_id) throw new Error(`upload answered ${res.status}: ${body.message}`);
  return body.job_id;
}

/**
 * Counts of a payment log computed the plain way, independently of @evh/logs: a line is
 * `timestamp status service user message`, fields split on single spaces.
 */
export function plainCounts(text: string) {
  const statuses = new Map<string, number>();
  const services = new Map<string, number>();
  const users = new Map<string, number>();
  const hours = new Array<number>(24).fill(0);
  const lines = text.split('\n').filter((l) => l.length > 0);
  for (const line of lines) {
    const [ts = '', status = '', service = '', user = ''] = line.split(' ');
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (service && service !== '-') services.set(service, (services.get(service) ?? 0) + 1);
    if (user && user !== '-') users.set(user, (users.get(user) ?? 0) + 1);
    const year = Number(ts.slice(0, 4));
    if (year >= 2000) {
      const h = Number(ts.slice(11, 13));
      hours[h] = (hours[h] ?? 0) + 1;
    }
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 10)
      .map(([k]) => k);
  const max = Math.max(...hours);
  const pad = (h: number) => String(h).padStart(2, '0');
  return {
    lines: lines.length,
    payment_statuses: Object.fromEntries([...statuses].sort(([a], [b]) => (a < b ? -1 : 1))),
    top_services: top(services),
    top_users: top(users),
    peak_hours: hours.flatMap((n, h) => (n === max ? [`${pad(h)}:00-${pad(h + 1)}:00`] : [])),
  };
}

export function sampleText(): string {
  return readFileSync(SAMPLE, 'utf8');
}

/** Waits until the reporter shows the job in `status`; a job that failed instead fails the wait. */
export async function waitForJob(
  f: PipelineFixture,
  jobId: string,
  status = 'completed',
  timeoutMs = 60_000,
) {
  return waitFor(
    `job ${jobId} ${status}`,
    async () => {
      const job = (await f.read(`/api/v1/jobs/${jobId}`)).json;
      if (job.status === 'failed' && status !== 'failed') throw new Error(`job failed: ${job.error}`);
      return job.status === status ? job : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
