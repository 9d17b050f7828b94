import { z } from 'zod';
import { defineRecord, type FieldOf, type RecordOf, type RecordWrite } from './define-record.js';
import { recordField as f } from './record-fields.js';

/**
 * The values of a job's status and format. The API's copies (@evh/events jobStatusSchema,
 * fileFormatSchema) are checked equal to these by the reporter's job view test: this package
 * cannot depend on the contract package, and the record must refuse what the API cannot show.
 */
export const JOB_RECORD_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export const JOB_RECORD_FORMATS = ['jsonl', 'payment-log'] as const;

const count = f.int().default(0);

/**
 * The hash `jobKeys.job(id)`: an upload job's live state. The ingest writes the first fields
 * (id … percent), the consumer's job worker and its scripts the rest (start-job.lua,
 * fail-job.lua, finish-reading.lua, apply-log-chunk.lua). The defaults are what a field means
 * before its first write: nothing read, nothing counted.
 */
export const jobRecord = defineRecord({
  name: 'job',
  identity: 'id',
  headerKey: /^job:\{[^}]*\}$/,
  schema: z.object({
    id: f.text(),
    fileName: f.text().default(''),
    format: z.enum(JOB_RECORD_FORMATS),
    size: count,
    /** '' for a job of no project. */
    projectId: f.textOrNone().default(null),
    /** Where its file is in object storage. */
    storageKey: f.text().default(''),
    status: z.enum(JOB_RECORD_STATUSES).default('queued'),
    createdAt: f.int(),
    startedAt: f.int().optional(),
    /** Set when it completed or failed. */
    finishedAt: f.int().optional(),
    /** When its worker read the last line (readDone set). */
    readAt: f.int().optional(),
    readDone: f.flag().default(false),
    /** Why it failed: the code of the failure (a job failed before codes has none) … */
    errorCode: f.text().optional(),
    /** … and its message. */
    error: f.text().optional(),
    /** 0-99 while under way, 100 once completed; never goes down. */
    percent: count,
    bytesRead: count,
    linesRead: count,
    valid: count,
    invalid: count,
    /** Valid lines applied by the consumer (apply-log-chunk.lua). */
    processed: count,
    /** Where a resumed read starts: the byte after, and the number of, the last checkpointed line. */
    checkpointOffset: count,
    checkpointLine: count,
    /** The chunk bounds fixed at its first start (start-job.lua). */
    chunkLines: f.int().optional(),
    chunkBytes: f.int().optional(),
  }),
});

/** A job as Redis has it while it is live (`@evh/db` has its PostgreSQL record, JobRecord). */
export type LiveJob = RecordOf<typeof jobRecord>;
export type LiveJobWrite = RecordWrite<typeof jobRecord>;
export type JobField = FieldOf<typeof jobRecord>;

/**
 * The failure as the API and the job's PostgreSQL record show it: `CODE: message`, the text
 * jobs carried before the code had a field of its own (clients match on the prefix).
 */
export function jobErrorText(job: Pick<LiveJob, 'errorCode' | 'error'>): string | null {
  if (job.error === undefined) return job.errorCode ?? null;
  return job.errorCode ? `${job.errorCode}: ${job.error}` : job.error;
}
