import { setTimeout as sleep } from 'node:timers/promises';
import { cliErrors } from '../errors.js';
import { isFinished, type JobStatus, jobStatusSchema } from './job-status.js';
import { networkReason } from './network-reason.js';

export interface FollowOptions {
  reporterUrl: string;
  jobId: string;
  intervalMs: number;
  /** Give up after this long without the job finishing. */
  timeoutMs: number;
  /** The project's read token (or the admin token). */
  token?: string;
  onStatus(status: JobStatus): void;
  signal?: AbortSignal;
}

/**
 * Polls the job until it completes or fails and returns its last status. A 404 or a 5xx or
 * an unreachable reporter is retried until the timeout: the reporter may not have seen the
 * job yet, or be restarting. A 2xx that does not match the contract is not retried.
 */
export async function followJob(options: FollowOptions): Promise<JobStatus> {
  const url = `${options.reporterUrl}/api/v1/jobs/${encodeURIComponent(options.jobId)}`;
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
    const res = await fetch(url, { signal: options.signal, headers }).catch((err: unknown) => {
      lastProblem = `cannot reach ${url}: ${networkReason(err)}`;
      return undefined;
    });
    if (res?.ok) {
      const parsed = jobStatusSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
        throw cliErrors.CLI_BAD_RESPONSE(
          `${url} answered a status outside the contract (${problems.join('; ')})`,
        );
      }
      options.onStatus(parsed.data);
      if (isFinished(parsed.data)) return parsed.data;
    } else if (res) {
      await res.body?.cancel();
      if (res.status !== 404 && res.status < 500) {
        throw cliErrors.CLI_BAD_RESPONSE(`${url} answered ${res.status}`);
      }
      lastProblem = `${url} answered ${res.status}`;
    }
    if (Date.now() > deadline) {
      throw cliErrors.CLI_TIMEOUT(
        `job ${options.jobId} did not finish in ${options.timeoutMs} ms (${lastProblem})`,
      );
    }
    await sleep(options.intervalMs, undefined, { signal: options.signal });
  }
}
