import { copyField, copyJson } from './copy-text.js';

/** One valid line of an upload as it is stored: a row of log_entries. */
export interface LogEntryRow {
  line: number;
  /** null when the timestamp named an impossible instant. */
  epochMs: number | null;
  level: string;
  service: string;
  user?: string | undefined;
  message: string;
  fields?: Record<string, unknown> | undefined;
}

/** The columns of log_entries in the order a COPY row gives them. */
export const LOG_ENTRY_COLUMNS = [
  'upload_day',
  'job_id',
  'line',
  'project_id',
  'ts',
  'level',
  'service',
  'user_id',
  'message',
  'fields',
] as const;

/**
 * A chunk's rows as COPY text, built while the lines are read: the job's constant columns are
 * escaped once, each row is one string, and the chunk is one buffer when it is written.
 */
export class LogEntryRows {
  private readonly head: string;
  private readonly mid: string;
  private parts: string[] = [];
  count = 0;

  constructor(uploadDay: string, jobId: string, projectId: string | null) {
    this.head = `${uploadDay}\t${copyField(jobId)}\t`;
    this.mid = `\t${copyField(projectId)}\t`;
  }

  add(row: LogEntryRow): void {
    const ts = row.epochMs === null ? '\\N' : new Date(row.epochMs).toISOString();
    this.parts.push(
      `${this.head}${row.line}${this.mid}${ts}\t${copyField(row.level)}\t${copyField(row.service)}\t${copyField(row.user)}\t${copyField(row.message)}\t${copyJson(row.fields)}\n`,
    );
    this.count++;
  }

  /** The rows so far as one buffer, and an empty collection for the next chunk. */
  take(): Buffer {
    const buf = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.count = 0;
    return buf;
  }
}
