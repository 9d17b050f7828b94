import type { Pool } from './create-pool.js';
import { toDbError } from './db-errors.js';
import { type EntryKey, encodeCursor } from './log-cursor.js';

/** The filters both entry queries take; every one is optional and they combine with AND. */
export interface EntryFilter {
  /** Any of these levels (or payment statuses), upper-case. */
  levels?: string[];
  service?: string;
  user?: string;
  /** Entries at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  /** Full text: entries whose message has all these words. */
  q?: string;
  order: 'newest' | 'oldest';
  limit: number;
  /** The key of the last entry of the previous page. */
  after?: EntryKey;
}

export interface StoredEntry {
  jobId: string;
  line: number;
  timestamp: string | null;
  level: string;
  service: string;
  user: string | null;
  message: string;
  fields: Record<string, unknown> | null;
}

export interface EntryPage {
  entries: StoredEntry[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

export interface InvalidLine {
  line: number;
  reason: string;
  message: string;
}

const SELECT = `SELECT job_id AS "jobId", line, ts, level, service, user_id AS "user", message, fields FROM log_entries`;

/** Builds the WHERE conditions of a filter, with their parameters appended to `params`. */
function conditions(f: EntryFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.levels?.length === 1) where.push(`level = ${p(f.levels[0])}`);
  else if (f.levels && f.levels.length > 1) where.push(`level = ANY(${p(f.levels)}::text[])`);
  if (f.service !== undefined) where.push(`service = ${p(f.service)}`);
  if (f.user !== undefined) where.push(`user_id = ${p(f.user)}`);
  if (f.from) where.push(`ts >= ${p(f.from)}`);
  if (f.to) where.push(`ts < ${p(f.to)}`);
  // The expression is the index's (log_entries_message_fts): the planner uses it only then.
  if (f.q) where.push(`to_tsvector('simple', message) @@ plainto_tsquery('simple', ${p(f.q)})`);
  return where;
}

interface EntryRow {
  jobId: string;
  line: number;
  ts: Date | null;
  level: string;
  service: string;
  user: string | null;
  message: string;
  fields: Record<string, unknown> | null;
}

function toEntry({ ts, ...rest }: EntryRow): StoredEntry {
  return { ...rest, timestamp: ts ? ts.toISOString() : null };
}

/** Reads of the stored entries: one job's in line order, a project's in time order. */
export function createLogQueries(pool: Pool) {
  async function page(
    sql: string,
    params: unknown[],
    limit: number,
    key: (row: EntryRow) => EntryKey,
  ): Promise<EntryPage> {
    let rows: EntryRow[];
    try {
      ({ rows } = await pool.query<EntryRow>(sql, params));
    } catch (err) {
      throw toDbError(err, 'read log entries');
    }
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      entries: shown.map(toEntry),
      nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null,
    };
  }

  return {
    /** A job's entries by line (oldest = file order). `uploadDay` prunes to its partition. */
    jobEntries(jobId: string, uploadDay: string, f: EntryFilter): Promise<EntryPage> {
      const params: unknown[] = [jobId, uploadDay];
      const where = ['job_id = $1', 'upload_day = $2', ...conditions(f, params)];
      const desc = f.order === 'newest';
      if (f.after) {
        params.push(f.after.line);
        where.push(`line ${desc ? '<' : '>'} $${params.length}`);
      }
      params.push(f.limit + 1);
      const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY line ${desc ? 'DESC' : 'ASC'} LIMIT $${params.length}`;
      return page(sql, params, f.limit, (r) => ({ ts: null, jobId, line: r.line }));
    },

    /**
     * A project's entries by time, ties by job and line. Entries whose timestamp named an
     * impossible instant have no time and are listed only with their job.
     */
    projectEntries(projectId: string, f: EntryFilter): Promise<EntryPage> {
      const params: unknown[] = [projectId];
      const where = ['project_id = $1', 'ts IS NOT NULL', ...conditions(f, params)];
      const desc = f.order === 'newest';
      if (f.after && f.after.ts !== null) {
        params.push(new Date(f.after.ts), f.after.jobId, f.after.line);
        const [t, j, l] = [params.length - 2, params.length - 1, params.length];
        const op = desc ? '<' : '>';
        // The bare bound on ts lets the index scan start at the cursor; the row comparison breaks ties.
        where.push(`ts ${op}= $${t}`, `(ts, job_id, line) ${op} ($${t}, $${j}, $${l})`);
      }
      params.push(f.limit + 1);
      const dir = desc ? 'DESC' : 'ASC';
      const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY ts ${dir}, job_id ${dir}, line ${dir} LIMIT $${params.length}`;
      return page(sql, params, f.limit, (r) => ({
        ts: r.ts ? r.ts.getTime() : null,
        jobId: r.jobId,
        line: r.line,
      }));
    },

    /** A job's lines that could not be used, by line, after `afterLine`. */
    async invalidLines(
      jobId: string,
      afterLine: number,
      limit: number,
    ): Promise<{ lines: InvalidLine[]; nextCursor: string | null }> {
      try {
        const { rows } = await pool.query<InvalidLine>(
          'SELECT line, reason, message FROM invalid_lines WHERE job_id = $1 AND line > $2 ORDER BY line LIMIT $3',
          [jobId, afterLine, limit + 1],
        );
        const lines = rows.slice(0, limit);
        const last = lines.at(-1);
        return {
          lines,
          nextCursor: rows.length > limit && last ? encodeCursor({ ts: null, jobId, line: last.line }) : null,
        };
      } catch (err) {
        throw toDbError(err, 'read invalid lines');
      }
    },
  };
}

export type LogQueries = ReturnType<typeof createLogQueries>;
