import { randomUUID } from 'node:crypto';
import { type CounterDefinition, CRASH_SERIES, type SeriesResolution, windowStarts } from '@evh/crashes';
import {
  crashKeys as ck,
  type IssueSort,
  type IssueStatus,
  issueStatusIndexKeys,
  type Redis,
} from '@evh/redis';
import {
  deleteCounterScript,
  type PutCounterResult,
  putCounterScript,
  searchCrashesScript,
  setIssueStatusScript,
} from '../redis/scripts.js';

export interface Issue {
  number: number;
  title: string;
  culprit: string;
  severity: string;
  status: IssueStatus;
  count: number;
  firstSeen: number;
  lastSeen: number;
  fingerprint: string;
}

export interface StoredCrash {
  eventId: string;
  issue: number;
  eventNumber: number;
  receivedAt: number;
  [field: string]: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

const MAX_COUNTERS = 100;

function toIssue(h: Record<string, string>): Issue | null {
  if (!h.number) return null;
  return {
    number: Number(h.number),
    title: h.title ?? '',
    culprit: h.culprit ?? '',
    severity: h.severity ?? 'error',
    status: (h.status ?? 'open') as IssueStatus,
    count: Number(h.count ?? 0),
    firstSeen: Number(h.firstSeen ?? 0),
    lastSeen: Number(h.lastSeen ?? 0),
    fingerprint: h.fingerprint ?? '',
  };
}

function toCrash(h: Record<string, string>): StoredCrash | null {
  if (!h.json) return null;
  const body = JSON.parse(h.json) as Record<string, unknown>;
  return {
    ...body,
    eventId: String(body.eventId ?? ''),
    issue: Number(h.issue),
    eventNumber: Number(h.eventNumber),
    receivedAt: Number(h.receivedAt),
  };
}

/** The read side of crash reports, and the few writes the API makes (counters, issue edits). */
export function createCrashStore(redis: Redis, now: () => number = Date.now) {
  async function crashesByIds(p: string, ids: string[]): Promise<StoredCrash[]> {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(ck.event(p, id));
    const rows = (await pipeline.exec()) ?? [];
    // A crash past its retention is gone from the store but may linger in an index.
    return rows
      .map(([, h]) => toCrash(h as Record<string, string>))
      .filter((c): c is StoredCrash => c !== null);
  }

  async function issuesByNumbers(p: string, numbers: string[]): Promise<Issue[]> {
    if (numbers.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const n of numbers) pipeline.hgetall(ck.issue(p, Number(n)));
    const rows = (await pipeline.exec()) ?? [];
    return rows.map(([, h]) => toIssue(h as Record<string, string>)).filter((i): i is Issue => i !== null);
  }

  return {
    async stats(p: string) {
      const [stats, custom, defs] = await Promise.all([
        redis.hgetall(ck.stats(p)),
        redis.hgetall(ck.customCounts(p)),
        redis.hkeys(ck.counterDefs(p)),
      ]);
      const n = (v: string | undefined) => Number(v ?? 0);
      return {
        projectId: p,
        invalid: n(stats.invalid),
        error: n(stats.error),
        warning: n(stats.warning),
        info: n(stats.info),
        total: n(stats.total),
        custom: Object.fromEntries(defs.sort().map((name) => [name, n(custom[name])])),
      };
    },

    /** Crashes per severity in each bucket of the resolution's window, oldest first. */
    async series(p: string, resolution: SeriesResolution) {
      const starts = windowStarts(now(), resolution);
      const pipeline = redis.pipeline();
      for (const start of starts) pipeline.hmget(ck.series(p, resolution, start), 'error', 'warning', 'info');
      const rows = (await pipeline.exec()) ?? [];
      const n = (v: unknown) => Number(v ?? 0);
      return {
        projectId: p,
        resolution,
        bucketMs: CRASH_SERIES[resolution].bucketMs,
        buckets: starts.map((start, i) => {
          const [err, values] = rows[i] ?? [null, []];
          if (err) throw err;
          const [error, warning, info] = values as (string | null)[];
          return { start, error: n(error), warning: n(warning), info: n(info) };
        }),
      };
    },

    async listCounters(p: string) {
      const [defs, counts] = await Promise.all([
        redis.hgetall(ck.counterDefs(p)),
        redis.hgetall(ck.customCounts(p)),
      ]);
      return Object.keys(defs)
        .sort()
        .map((name) => ({
          name,
          ...(JSON.parse(defs[name] ?? '{}') as object),
          count: Number(counts[name] ?? 0),
        }));
    },

    async putCounter(p: string, name: string, def: CounterDefinition): Promise<PutCounterResult> {
      return putCounterScript.run(
        redis,
        { counters: ck.counterDefs(p), custom: ck.customCounts(p) },
        { name, definition: JSON.stringify(def), maxCounters: MAX_COUNTERS },
      );
    },

    async deleteCounter(p: string, name: string): Promise<boolean> {
      const keys = { counters: ck.counterDefs(p), custom: ck.customCounts(p) };
      return deleteCounterScript.run(redis, keys, { name });
    },

    async listIssues(
      p: string,
      q: { status?: IssueStatus; sort: IssueSort; order: 'asc' | 'desc'; limit: number; offset: number },
    ): Promise<Page<Issue>> {
      const index = ck.issueIndex(p, q.status ?? 'all', q.sort);
      const end = q.offset + q.limit - 1;
      const [total, numbers] = await Promise.all([
        redis.zcard(index),
        q.order === 'desc' ? redis.zrevrange(index, q.offset, end) : redis.zrange(index, q.offset, end),
      ]);
      return { items: await issuesByNumbers(p, numbers), total, limit: q.limit, offset: q.offset };
    },

    async getIssue(p: string, n: number): Promise<Issue | null> {
      return toIssue(await redis.hgetall(ck.issue(p, n)));
    },

    /** false when the issue does not exist. */
    async updateIssue(
      p: string,
      n: number,
      patch: { status?: IssueStatus; title?: string },
    ): Promise<boolean> {
      if (patch.status) {
        const r = await setIssueStatusScript.run(
          redis,
          { issue: ck.issue(p, n), ...issueStatusIndexKeys(p) },
          { issueNumber: n, status: patch.status, now: now() },
        );
        if (r === 'missing') return false;
      }
      if (patch.title !== undefined) {
        // HSET XX semantics: only an existing issue gets a title.
        if ((await redis.exists(ck.issue(p, n))) === 0) return false;
        await redis.hset(ck.issue(p, n), 'title', patch.title, 'titleEdited', '1');
      }
      return true;
    },

    async issueEvents(p: string, n: number, q: { order: 'asc' | 'desc'; limit: number; offset: number }) {
      const key = ck.issueEvents(p, n);
      const end = q.offset + q.limit - 1;
      const [total, ids] = await Promise.all([
        redis.zcard(key),
        q.order === 'desc' ? redis.zrevrange(key, q.offset, end) : redis.zrange(key, q.offset, end),
      ]);
      return { items: await crashesByIds(p, ids), total, limit: q.limit, offset: q.offset };
    },

    async issueEvent(p: string, n: number, eventNumber: number): Promise<StoredCrash | null> {
      const [id] = await redis.zrangebyscore(ck.issueEvents(p, n), eventNumber, eventNumber);
      if (!id) return null;
      const [crash] = await crashesByIds(p, [id]);
      return crash ?? null;
    },

    async search(p: string, q: { words: string[]; issue?: number; limit: number; offset: number }) {
      const rest = q.words.map((w) => ck.searchWord(p, w));
      if (q.issue !== undefined) rest.push(ck.issueEvents(p, q.issue));
      const { total, ids } = await searchCrashesScript.run(
        redis,
        { scratch: ck.searchScratch(p, randomUUID()) },
        { offset: q.offset, limit: q.limit, oneIssue: q.issue === undefined ? '0' : '1' },
        { keys: rest },
      );
      return { items: await crashesByIds(p, ids), total, limit: q.limit, offset: q.offset };
    },
  };
}

export type CrashStore = ReturnType<typeof createCrashStore>;
