import { randomUUID } from 'node:crypto';
import { type CounterDefinition, CRASH_SERIES, type SeriesResolution, windowStarts } from '@evh/crashes';
import {
  type CrashRecord,
  crashKeys as ck,
  crashRecord,
  type IssueRecord,
  type IssueSort,
  type IssueStatus,
  issueRecord,
  issueStatusIndexKeys,
  type RecordWrite,
  type Redis,
  readRecord,
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

/** The API's issue: the record's fields the API has always shown (not its edit marks). */
function toIssue(r: IssueRecord): Issue {
  const { number, title, culprit, severity, status, count, firstSeen, lastSeen, fingerprint } = r;
  return { number, title, culprit, severity, status, count, firstSeen, lastSeen, fingerprint };
}

/** The API's crash: the crash as received, placed in its issue. */
function toCrash(r: CrashRecord): StoredCrash {
  return {
    ...r.json,
    eventId: String(r.json.eventId ?? ''),
    issue: r.issue,
    eventNumber: r.eventNumber,
    receivedAt: r.receivedAt,
  };
}

/** A pipeline's HGETALL replies as hashes: a failed reply fails the read, as an await would. */
function hashes(rows: [Error | null, unknown][]): Record<string, string>[] {
  return rows.map(([err, h]) => {
    if (err) throw err;
    return h as Record<string, string>;
  });
}

/** The read side of crash reports, and the few writes the API makes (counters, issue edits). */
export function createCrashStore(redis: Redis, now: () => number = Date.now) {
  async function crashesByIds(p: string, ids: string[]): Promise<StoredCrash[]> {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(ck.event(p, id));
    const rows = hashes((await pipeline.exec()) ?? []);
    // A crash past its retention is gone from the store but may linger in an index.
    return rows.flatMap((h, i) => {
      const crash = crashRecord.parse(h, ck.event(p, ids[i] ?? ''));
      return crash ? [toCrash(crash)] : [];
    });
  }

  async function issuesByNumbers(p: string, numbers: string[]): Promise<Issue[]> {
    if (numbers.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const n of numbers) pipeline.hgetall(ck.issue(p, Number(n)));
    const rows = hashes((await pipeline.exec()) ?? []);
    return rows.flatMap((h, i) => {
      const issue = issueRecord.parse(h, ck.issue(p, Number(numbers[i])));
      return issue ? [toIssue(issue)] : [];
    });
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
      const issue = await readRecord(redis, issueRecord, ck.issue(p, n));
      return issue && toIssue(issue);
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
        const edit: RecordWrite<typeof issueRecord> = { title: patch.title, titleEdited: 1 };
        await redis.hset(ck.issue(p, n), edit);
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
