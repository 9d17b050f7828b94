import { setTimeout as sleep } from 'node:timers/promises';
import {
  bucketExpiresAt,
  bucketStart,
  fingerprint,
  issueTitle,
  matchesCounter,
  searchWords,
} from '@evh/crashes';
import { crashBodySchema, type EventMessage, invalidCrashSchema } from '@evh/events';
import { crashKeys as ck, issueStatusIndexKeys, type Redis } from '@evh/redis';
import { consumerErrors } from '../errors.js';
import type { ApplyEvent } from '../pipeline/event-processor.js';
import { applyCrashScript, countInvalidCrashScript, openIssueScript } from '../redis/crash-scripts.js';
import type { createCounterCache } from './counter-cache.js';
import { createIssueNumbers } from './issue-numbers.js';
import { pickDelay, type WorkRange } from './simulated-work.js';

export interface CrashHandlerDeps {
  redis: Redis;
  counters: ReturnType<typeof createCounterCache>;
  simulatedWork: WorkRange;
  retentionMs: number;
  /** Told when a crash opened a new issue (its first event, applied now). */
  onIssueOpened?: (severity: string) => void;
}

/**
 * The business logic of crash reports: group into an issue, count, match custom counters,
 * store and index. Every write happens in apply-crash.lua, guarded by a per-event marker,
 * so a crash redelivered after a consumer died is applied once.
 */
export function createCrashHandlers(deps: CrashHandlerDeps): Record<string, ApplyEvent> {
  const { redis } = deps;
  const issueNumbers = createIssueNumbers((projectId, fp) =>
    openIssueScript.run(
      redis,
      { fingerprints: ck.fingerprints(projectId), issueSeq: ck.issueSeq(projectId) },
      { fingerprint: fp },
    ),
  );

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
    const keysOf = (n: number) => ({
      applied: ck.applied(p, event.id),
      stats: ck.stats(p),
      custom: ck.customCounts(p),
      event: ck.event(p, event.id),
      issue: ck.issue(p, n),
      events: ck.issueEvents(p, n),
      allLast: ck.issueIndex(p, 'all', 'last'),
      allCount: ck.issueIndex(p, 'all', 'count'),
      ...issueStatusIndexKeys(p),
      // By the ingest's timestamp, so a redelivery lands in the same buckets.
      minuteBucket: ck.series(p, 'minute', bucketStart(event.timestamp, 'minute')),
      hourBucket: ck.series(p, 'hour', bucketStart(event.timestamp, 'hour')),
      fingerprints: ck.fingerprints(p),
    });
    const argvOf = (n: number) => ({
      eventId: event.id,
      issueNumber: n,
      severity: body.severity,
      receivedAt: event.timestamp,
      retention: deps.retentionMs,
      fingerprint: fp,
      title,
      culprit,
      crashJson: JSON.stringify({ eventId: event.id, ...body }),
      minuteExpiresAt: bucketExpiresAt(event.timestamp, 'minute'),
      hourExpiresAt: bucketExpiresAt(event.timestamp, 'hour'),
      matchedCount: matched.length,
    });
    const words = searchWords(body.message).map((w) => ck.searchWord(p, w));
    const applyAs = (n: number) =>
      applyCrashScript.run(redis, keysOf(n), argvOf(n), { keys: words, argv: matched });
    // A known fingerprint's number is remembered (one round trip fewer); the script checks it.
    let applied = await applyAs(await issueNumbers.get(p, fp));
    if (applied.stale) applied = await applyAs(await issueNumbers.refresh(p, fp));
    // Renumbered again between the two calls: only a Redis replaced twice meanwhile. Retried.
    if (applied.stale) throw consumerErrors.STALE_ISSUE_NUMBER(`${p}: fingerprint ${fp} renumbered`);
    if (applied.appliedNow && applied.eventNumber === 1) deps.onIssueOpened?.(body.severity);
  };

  const invalid: ApplyEvent = async (event: EventMessage) => {
    const parsed = invalidCrashSchema.safeParse((event as { invalid?: unknown }).invalid);
    if (!parsed.success) throw consumerErrors.INVALID_MESSAGE('crash.invalid without a projectId');
    const p = parsed.data.projectId;
    await countInvalidCrashScript.run(
      redis,
      { applied: ck.applied(p, event.id), stats: ck.stats(p) },
      { retention: deps.retentionMs },
    );
  };

  return { crash, 'crash.invalid': invalid };
}
