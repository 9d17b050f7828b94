import type { IngestMetrics } from '../metrics.js';
import type { RateDecision } from '../rate-limit/rate-limiter.js';

/**
 * Adds a request's verdicts to the metrics: per project (its label capped, see
 * projectLabel) and verdict, and the refusals by the scope that refused them.
 */
export function countProjectVerdicts(
  metrics: Pick<IngestMetrics, 'projectEvents' | 'rateLimited' | 'projectLabel'>,
  decisions: readonly RateDecision[],
): void {
  const counts = new Map<string, { project: string; outcome: string; n: number }>();
  let byUser = 0;
  let byProject = 0;
  for (const d of decisions) {
    if (!d.allowed) {
      if (d.scope === 'project') byProject++;
      else byUser++;
    }
    if (!d.project) continue;
    const project = metrics.projectLabel(d.project.id);
    const key = `${project}\n${d.project.verdict}`;
    const entry = counts.get(key);
    if (entry) entry.n++;
    else counts.set(key, { project, outcome: d.project.verdict, n: 1 });
  }
  for (const { project, outcome, n } of counts.values()) metrics.projectEvents.inc({ project, outcome }, n);
  if (byUser > 0) metrics.rateLimited.inc({ scope: 'user' }, byUser);
  if (byProject > 0) metrics.rateLimited.inc({ scope: 'project' }, byProject);
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
