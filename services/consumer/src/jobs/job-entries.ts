import {
  type EntryChunk,
  isDbUnavailable,
  type JobRecords,
  type JobStarted,
  type Pool,
  writeEntryChunk,
} from '@evh/db';
import { retryWithBackoff } from '@evh/lifecycle';
import type { Logger } from 'pino';

/** The job worker's side of PostgreSQL: the job's record and its entries. */
export interface JobEntries {
  /** False when entries are not kept (JOB_STORE_ENTRIES=false): the worker builds no rows. */
  readonly storesRows: boolean;
  /** Records the job as started; where its committed entries end, and its partition's day. */
  started(job: JobStarted): Promise<{ entriesLine: number; uploadDay: string }>;
  /** One chunk's entries, invalid lines and entries_line, in one transaction. */
  write(chunk: EntryChunk): Promise<void>;
  /** The file is read to its end: the job's totals. */
  read(jobId: string, totals: { valid: number; invalid: number }): Promise<void>;
  /** Its last chunk is applied too (by the worker or by the consumer's chunk handler). */
  completed(jobId: string): Promise<void>;
  failed(jobId: string, error: string): Promise<void>;
}

/**
 * JobEntries on a pool. Every call is retried while PostgreSQL is unavailable (a restart, a
 * failover) for up to `giveUpAfterMs`; then it throws DB_UNAVAILABLE and the job fails with
 * that code. Refusals (DB_REFUSED) are not retried.
 */
export function createJobEntries(deps: {
  pool: Pool;
  records: JobRecords;
  logger: Logger;
  giveUpAfterMs: number;
  stopped(): boolean;
}): JobEntries {
  const retried = <T>(what: string, call: () => Promise<T>) =>
    retryWithBackoff(call, {
      retriable: isDbUnavailable,
      initialDelayMs: 100,
      maxDelayMs: 5000,
      giveUpAfterMs: deps.giveUpAfterMs,
      stopped: deps.stopped,
      onRetry: (err, attempt, delayMs) =>
        deps.logger.warn({ err, attempt, delayMs }, `postgres unavailable: ${what} tried again`),
    });
  return {
    storesRows: true,
    async started(job) {
      const record = await retried('start job', () => deps.records.started(job));
      return { entriesLine: record.entriesLine, uploadDay: record.uploadDay };
    },
    write: (chunk) => retried('write entries', () => writeEntryChunk(deps.pool, chunk)),
    read: (jobId, totals) => retried('finish job', () => deps.records.read(jobId, totals)),
    completed: (jobId) => retried('complete job', () => deps.records.completed(jobId)),
    // Not retried: a job fails after PostgreSQL was retried already, or for a reason of its own.
    failed: (jobId, error) => deps.records.failed(jobId, error),
  };
}

/** JOB_STORE_ENTRIES=false: the analytics only, as before PostgreSQL (and the benchmark's baseline). */
export const noJobEntries: JobEntries = {
  storesRows: false,
  started: async (job) => ({ entriesLine: 0, uploadDay: job.uploadDay }),
  write: async () => undefined,
  read: async () => undefined,
  completed: async () => undefined,
  failed: async () => undefined,
};
