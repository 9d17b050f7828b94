import { type QuotaLookup, quotaKeys, USAGE_TTL_MS } from '@evh/quota';
import { pipelineKeys, type Redis } from '@evh/redis';
import { ingestErrors } from '../errors.js';
import { type ProjectVerdict, projectArgs, verdictOf } from '../quota/project-args.js';
import { type AdmissionReply, rateLimitScript as script } from '../redis/scripts.js';
import { createRefusalCache, type RefusalCache } from './refusal-cache.js';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** ms until a slot frees when refused; 0 when allowed. */
  retryAfterMs: number;
  /** What refused the item: its user's sliding window or its project's quota. */
  scope?: 'user' | 'project';
  /** How the item's project quota judged it, when it carries a project that has one. */
  project?: { id: string; verdict: ProjectVerdict };
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /**
   * One decision per item, in item order, taken atomically for the whole request (one Redis
   * round trip): the user's window (an empty userId has none) and the project's quota.
   */
  check(items: AdmissionItem[]): Promise<RateDecision[]>;
  /**
   * Adds the refusals decided without Redis (a project known to be over its quota) to their
   * projects' usage; counts that could not be written are kept for the next flush.
   */
  flushRefusals(): Promise<void>;
}

export interface AdmissionItem {
  userId: string;
  eventId: string;
  projectId?: string | undefined;
}

export function createRateLimiter(
  redis: Redis,
  options: {
    limit: number;
    windowMs: number;
    now?: () => number;
    quotas?: QuotaLookup;
    refusals?: RefusalCache;
  },
): RateLimiter {
  const now = options.now ?? Date.now;
  const refusals = options.refusals ?? createRefusalCache();

  /** The admission script's decisions for these items (one round trip, or none when nothing is limited). */
  async function decide(items: AdmissionItem[], at: number): Promise<RateDecision[]> {
    const projects = projectArgs(
      items.map((i) => i.projectId),
      options.quotas,
      at,
    );
    // Nothing to limit (crash reports without a user, of projects without a quota): no round trip.
    if (items.every((item, i) => !item.userId && projects.indexes[i] === 0)) {
      return items.map(() => ({ allowed: true, remaining: options.limit, retryAfterMs: 0 }));
    }
    const keyIndex = new Map<string, number>();
    const triples: (string | number)[] = [];
    items.forEach(({ userId, eventId }, i) => {
      let idx = userId ? keyIndex.get(userId) : 0;
      if (idx === undefined) {
        idx = keyIndex.size + 1;
        keyIndex.set(userId, idx);
      }
      triples.push(idx, eventId, projects.indexes[i] ?? 0);
    });
    const userKeys = [...keyIndex.keys()].map((u) => pipelineKeys.rate(u));
    let replies: AdmissionReply[];
    try {
      replies = await script.run(
        redis,
        {},
        {
          now: at,
          window: options.windowMs,
          limit: options.limit,
          userCount: userKeys.length,
          projectCount: projects.count,
          usageTtl: USAGE_TTL_MS,
        },
        { keys: [...userKeys, ...projects.keys], argv: [...projects.records, ...triples] },
      );
    } catch (err) {
      throw ingestErrors.RATE_LIMIT_UNAVAILABLE(`rate limiter unavailable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return items.map((item, n) => {
      const reply = replies[n];
      const d: RateDecision = {
        allowed: reply?.allowed ?? false,
        remaining: reply?.remaining ?? 0,
        retryAfterMs: reply?.retryAfterMs ?? 0,
      };
      const { scope, verdict } = verdictOf(reply?.verdict ?? 0);
      if (scope) d.scope = scope;
      if (verdict && item.projectId && projects.indexes[n]) d.project = { id: item.projectId, verdict };
      // Its bucket is empty until then: the project's next items are refused without asking.
      if (verdict === 'throttled' && item.projectId) refusals.remember(item.projectId, at, d.retryAfterMs);
      return d;
    });
  }

  return {
    limit: options.limit,
    windowMs: options.windowMs,
    async check(items) {
      if (items.length === 0) return [];
      const at = now();
      const out: (RateDecision | undefined)[] = items.map(({ projectId }) => {
        const wait = projectId ? refusals.refusedFor(projectId, at) : 0;
        if (!projectId || wait === 0) return undefined;
        refusals.count(projectId, at);
        // Refused by the project, as the script would; the user's window is untouched, and
        // nothing more passes before retryAfterMs, hence remaining 0.
        return {
          allowed: false,
          remaining: 0,
          retryAfterMs: wait,
          scope: 'project',
          project: { id: projectId, verdict: 'throttled' },
        };
      });
      const asked = items.filter((_, i) => out[i] === undefined);
      if (asked.length > 0) {
        const decided = await decide(asked, at);
        let next = 0;
        for (let i = 0; i < out.length; i++) out[i] ??= decided[next++];
      }
      return out as RateDecision[];
    },
    async flushRefusals() {
      const counts = refusals.take();
      if (counts.length === 0) return;
      const batch = redis.pipeline();
      for (const { projectId, minute, count } of counts) {
        const key = quotaKeys.usage(projectId, minute);
        batch.hincrby(key, 'throttled', count);
        batch.pexpire(key, USAGE_TTL_MS);
      }
      try {
        const results = (await batch.exec()) ?? [];
        const failed = results.find(([err]) => err);
        if (failed) throw failed[0];
      } catch (err) {
        refusals.restore(counts);
        throw ingestErrors.RATE_LIMIT_UNAVAILABLE(`refusal counts not written: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
}
