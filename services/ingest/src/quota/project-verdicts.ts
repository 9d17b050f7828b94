import type { Counter } from 'prom-client';
import type { RateDecision } from '../rate-limit/rate-limiter.js';

/** Adds a request's per-project verdicts to the counter, one inc per project and verdict. */
export function countProjectVerdicts(
  counter: Counter<'project' | 'outcome'>,
  decisions: readonly RateDecision[],
): void {
  const counts = new Map<string, { project: string; outcome: string; n: number }>();
  for (const d of decisions) {
    if (!d.project) continue;
    const key = `${d.project.id}\n${d.project.verdict}`;
    const entry = counts.get(key);
    if (entry) entry.n++;
    else counts.set(key, { project: d.project.id, outcome: d.project.verdict, n: 1 });
  }
  for (const { project, outcome, n } of counts.values()) counter.inc({ project, outcome }, n);
}

/** The message and the body details of a refusal, naming the scope that refused. */
export function refusal(
  userId: string | undefined,
  d: RateDecision,
  limiter: { limit: number; windowMs: number },
): { scope: 'user' | 'project'; message: string; details: Record<string, unknown> } {
  if (d.scope === 'project' && d.project) {
    return {
      scope: 'project',
      message: `project ${d.project.id} is over its quota`,
      details: { scope: 'project', projectId: d.project.id, retryAfterMs: d.retryAfterMs },
    };
  }
  return {
    scope: 'user',
    message: `user ${userId} is over ${limiter.limit} events per ${limiter.windowMs} ms`,
    details: { scope: 'user', retryAfterMs: d.retryAfterMs },
  };
}
