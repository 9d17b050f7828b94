import type { Anomaly } from '@evh/logs';
import {
  analyticsKeys,
  type JobField,
  jobKeys,
  jobRecord,
  type LiveJob,
  type LiveJobWrite,
  type Redis,
  readRecordFields,
} from '@evh/redis';
import { failJobScript, finishReadingScript, startJobScript } from '../redis/job-scripts.js';
import type { ChunkBounds } from './chunk-builder.js';

export interface JobStart {
  /** The status before this start: `queued` for a new job, `processing` for a resumed one. */
  status: LiveJob['status'];
  storageKey: string;
  format: LiveJob['format'];
  checkpointOffset: number;
  checkpointLine: number;
  readDone: boolean;
  projectId: string | null;
  fileName: string;
  /** The job's chunk bounds, fixed at its first start. */
  chunk: ChunkBounds;
  /** When it was uploaded (ms): the day its entries' partition is for. */
  createdAt: number;
  size: number;
}

export interface Checkpoint {
  /** Byte offset after the last line of the chunk: where a resumed read starts. */
  offset: number;
  /** Number of the last line of the chunk (1-based). */
  line: number;
  valid: number;
  invalid: number;
  invalidReasons: Map<string, number>;
  invalidSamples: { line: number; reason: string; message: string }[];
  anomalies: Anomaly[];
}

const SAMPLES = 20;
const PROJECT_ANOMALIES = 1000;

/** The job worker's side of a job's Redis state. */
export function createJobStore(redis: Redis, options: { keyPrefix: string; now?: () => number }) {
  const now = options.now ?? Date.now;
  const channel = (jobId: string) => `${options.keyPrefix}${jobKeys.progressChannel(jobId)}`;

  return {
    channel,
    /**
     * Starts or resumes a job; `bounds` are the chunk bounds of a job that has none yet. Null
     * when there is no job record (never written, expired, or only a remnant of one).
     */
    async start(jobId: string, bounds: ChunkBounds): Promise<JobStart | null> {
      const key = jobKeys.job(jobId);
      const hash = await startJobScript.run(
        redis,
        { job: key },
        { now: now(), channel: channel(jobId), chunkLines: bounds.lines, chunkBytes: bounds.bytes },
      );
      const job = hash && jobRecord.parse(hash, key);
      if (!job) return null;
      return {
        status: job.status,
        storageKey: job.storageKey,
        format: job.format,
        checkpointOffset: job.checkpointOffset,
        checkpointLine: job.checkpointLine,
        readDone: job.readDone,
        projectId: job.projectId,
        fileName: job.fileName,
        // start-job.lua set them when the job had none: absent only on a script from before.
        chunk: { lines: job.chunkLines ?? bounds.lines, bytes: job.chunkBytes ?? bounds.bytes },
        createdAt: job.createdAt,
        size: job.size,
      };
    },

    /** Records a chunk whose event Kafka already has: counts, samples, anomalies, offset. */
    async checkpoint(jobId: string, projectId: string | null, c: Checkpoint): Promise<void> {
      const key = jobKeys.job(jobId);
      const fields: LiveJobWrite = {
        checkpointOffset: c.offset,
        checkpointLine: c.line,
        bytesRead: c.offset,
        linesRead: c.line,
      };
      const tx = redis
        .multi()
        .hset(key, fields)
        .hincrby(key, 'valid' satisfies JobField, c.valid)
        .hincrby(key, 'invalid' satisfies JobField, c.invalid);
      for (const [reason, n] of c.invalidReasons) tx.hincrby(jobKeys.invalidReasons(jobId), reason, n);
      if (c.invalidSamples.length > 0) {
        tx.rpush(jobKeys.invalidSamples(jobId), ...c.invalidSamples.map((s) => JSON.stringify(s)));
        tx.ltrim(jobKeys.invalidSamples(jobId), 0, SAMPLES - 1);
      }
      if (c.anomalies.length > 0) {
        // Scored by line and keyed by line and kind: a chunk read again after a restart adds nothing twice.
        const members = c.anomalies.flatMap((a) => [a.where.line ?? 0, JSON.stringify(a)]);
        tx.zadd(jobKeys.anomalies(jobId), 'NX', ...members);
        if (projectId) {
          const at = now();
          tx.zadd(
            analyticsKeys.projectAnomalies(projectId),
            'NX',
            ...c.anomalies.flatMap((a) => [at, JSON.stringify(a)]),
          );
          tx.zremrangebyrank(analyticsKeys.projectAnomalies(projectId), 0, -PROJECT_ANOMALIES - 1);
        }
      }
      await tx.exec();
    },

    /** The job's valid and invalid line counts so far. */
    async totals(jobId: string): Promise<{ valid: number; invalid: number }> {
      return readRecordFields(redis, jobRecord, jobKeys.job(jobId), ['valid', 'invalid']);
    },

    async finishReading(jobId: string): Promise<string> {
      return finishReadingScript.run(
        redis,
        { job: jobKeys.job(jobId) },
        { now: now(), channel: channel(jobId) },
      );
    },

    /** Fails the job with the failure's code and message; false when it had already ended. */
    async fail(jobId: string, failure: { code: string; message: string }): Promise<boolean> {
      return failJobScript.run(
        redis,
        { job: jobKeys.job(jobId) },
        {
          errorCode: failure.code,
          errorMessage: failure.message.slice(0, 1000),
          now: now(),
          channel: channel(jobId),
        },
      );
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
