import { setTimeout as sleep } from 'node:timers/promises';
import { fingerprint, issueTitle, matchesCounter, searchWords } from '@evh/crashes';
import { crashBodySchema, type EventMessage, invalidCrashSchema } from '@evh/events';
import { crashKeys as ck, defineScripts, ISSUE_STATUSES, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from '../pipeline/event-processor.js';
import { crashScripts } from '../redis/scripts.js';
import type { createCounterCache } from './counter-cache.js';
import { pickDelay, type WorkRange } from './simulated-work.js';

export interface CrashHandlerDeps {
  redis: Redis;
  counters: ReturnType<typeof createCounterCache>;
  simulatedWork: WorkRange;
  retentionMs: number;
}

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The business logic of crash reports: group into an issue, count, match custom counters,
 * store and index. Every write happens in apply-crash.lua, guarded by a per-event marker,
 * so a crash redelivered after a consumer died is applied once.
 */
export function createCrashHandlers(deps: CrashHandlerDeps): Record<string, ApplyEvent> {
  const { redis } = deps;
  defineScripts(redis, crashScripts);
  const cmd = redis as unknown as Record<'openIssue' | 'applyCrash' | 'countInvalidCrash', Script>;

  const crash: ApplyEvent = async (event: EventMessage) => {
    const parsed = crashBodySchema.safeParse((event as { crash?: unknown }).crash);
    if (!parsed.success) throw consumerErrors.INVALID_MESSAGE(`crash: ${parsed.error.issues[0]?.message}`);
    const body = parsed.data;
    const p = body.projectId;
    if (deps.simulatedWork.max > 0) await sleep(pickDelay(deps.simulatedWork));

    const fp = fingerprint(body);
    const { title, culprit } = issueTitle(body);
    const matched = (await deps.counters.get(p))
      .filter((c) => matchesCounter(body, c.def))
      .map((c) => c.name);
    const n = Number(await cmd.openIssue.call(redis, ck.fingerprints(p), ck.issueSeq(p), fp));
    const words = searchWords(body.message);
    const statusKeys = ISSUE_STATUSES.flatMap((s) => [
      ck.issueIndex(p, s, 'last'),
      ck.issueIndex(p, s, 'count'),
    ]);
    const keys = [
      ck.applied(p, event.id),
      ck.stats(p),
      ck.customCounts(p),
      ck.event(p, event.id),
      ck.issue(p, n),
      ck.issueEvents(p, n),
      ck.issueIndex(p, 'all', 'last'),
      ck.issueIndex(p, 'all', 'count'),
      ...statusKeys,
      ...words.map((w) => ck.searchWord(p, w)),
    ];
    await cmd.applyCrash.call(
      redis,
      keys.length,
      ...keys,
      event.id,
      n,
      body.severity,
      event.timestamp,
      deps.retentionMs,
      fp,
      title,
      culprit,
      JSON.stringify({ eventId: event.id, ...body }),
      matched.length,
      ...matched,
    );
  };

  const invalid: ApplyEvent = async (event: EventMessage) => {
    const parsed = invalidCrashSchema.safeParse((event as { invalid?: unknown }).invalid);
    if (!parsed.success) throw consumerErrors.INVALID_MESSAGE('crash.invalid without a projectId');
    const p = parsed.data.projectId;
    await cmd.countInvalidCrash.call(redis, ck.applied(p, event.id), ck.stats(p), deps.retentionMs);
  };

  return { crash, 'crash.invalid': invalid };
}
