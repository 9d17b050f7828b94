import { setTimeout as sleep } from 'node:timers/promises';
import { type InvalidLineRow, isDbUnavailable, LogEntryRows, uploadDayOf } from '@evh/db';
import type { OutgoingMessage } from '@evh/kafka';
import { backoffDelay, type CodedError, isCodedError, isRetriable } from '@evh/lifecycle';
import {
  type Anomaly,
  createLogAnalyzer,
  type LogAnalyzer,
  type LogsConfig,
  type ParsedLine,
} from '@evh/logs';
import { jobErrorText } from '@evh/redis';
import type { ObjectStore } from '@evh/storage';
import type { Logger } from 'pino';
import { pickDelay, type WorkRange } from '../crashes/simulated-work.js';
import { type ChunkBounds, ChunkBuilder } from './chunk-builder.js';
import type { JobEntries } from './job-entries.js';
import { fileCheckFailure, fileMissing, jobFailureOf } from './job-failure.js';
import type { JobStart, JobStore } from './job-store.js';
import { LineReader } from './line-reader.js';

export interface JobRunnerDeps {
  jobs: JobStore;
  /** The job's record and parsed entries in PostgreSQL. */
  entries: JobEntries;
  store: ObjectStore;
  /** Writes a chunk's event to the events topic; resolves once Kafka has it. */
  produce(messages: OutgoingMessage[]): Promise<void>;
  logs: LogsConfig;
  logger: Logger;
  /**
   * The bounds of a new job's chunks (JOB_CHUNK_LINES, JOB_CHUNK_BYTES). A job keeps the
   * bounds it started with (start-job.lua), so a chunk produced again after a restart is
   * the same chunk under the same id even when the configuration changed meanwhile.
   */
  chunk: ChunkBounds;
  maxLineBytes: number;
  lineDelay: WorkRange;
  storageAttempts: number;
  /** Called between chunks: keeps the group membership alive; throws when we must stop. */
  heartbeat(): Promise<void>;
  isStopping(): boolean;
  /** Told of each chunk's anomalies once they are recorded (metrics). */
  onAnomalies?(anomalies: Anomaly[]): void;
}

export type JobOutcome = 'read' | 'completed' | 'failed' | 'skipped' | 'abandoned';

/**
 * Reads one job's file from its checkpoint to the end in chunks: each chunk's valid lines
 * are counted here and become one event on the pipeline (id = job id + the chunk's first
 * line, so a chunk produced twice is applied once), its entries are committed to PostgreSQL
 * with the job's entries_line, and then the job's counts and byte offset are checkpointed in
 * Redis. The job completes when the consumer has applied every chunk (apply-log-chunk.lua),
 * which is after every entry is committed.
 */
export async function runJob(jobId: string, deps: JobRunnerDeps): Promise<JobOutcome> {
  const job = await startJob(jobId, deps);
  if (!job) return 'skipped';
  if (job.status === 'completed' || job.status === 'failed' || job.readDone) return 'skipped';

  let stored: { entriesLine: number; uploadDay: string };
  try {
    stored = await deps.entries.started({
      jobId,
      projectId: job.projectId,
      fileName: job.fileName,
      sizeBytes: job.size,
      format: job.format,
      createdAt: job.createdAt,
      startedAt: Date.now(),
      uploadDay: uploadDayOf(job.createdAt),
    });
  } catch (err) {
    if (deps.isStopping()) return 'abandoned';
    if (isDbUnavailable(err)) return fail(deps, jobId, err as CodedError);
    throw err;
  }

  const missing = await fileProblem(deps, job.storageKey);
  if (missing) return fail(deps, jobId, missing);

  try {
    if ((await readFromCheckpoint(jobId, job, stored, deps)) === 'abandoned') return 'abandoned';
  } catch (err) {
    if (deps.isStopping()) return 'abandoned';
    // PostgreSQL was retried for DB_WRITE_TIMEOUT_MS before this, storage a few times: the job
    // fails, coded. Kafka or Redis: not the file's fault; it stays processing and is redelivered.
    const failure = jobFailureOf(err);
    if (!failure) throw err;
    return fail(deps, jobId, failure);
  }
  // PostgreSQL's record has its totals before Redis may call the job completed.
  await deps.entries.read(jobId, await deps.jobs.totals(jobId));
  const status = await deps.jobs.finishReading(jobId);
  if (status !== 'completed') return 'read';
  await deps.entries.completed(jobId);
  return 'completed';
}

/** Starts the job; null (logged) when it has no record to work on. */
async function startJob(jobId: string, deps: JobRunnerDeps): Promise<JobStart | null> {
  try {
    const job = await deps.jobs.start(jobId, deps.chunk);
    if (!job) deps.logger.warn({ jobId }, 'job record not found; skipped');
    return job;
  } catch (err) {
    // A corrupt record reads the same every time: redelivering the message cannot help.
    if (!isCodedError(err) || err.code !== 'RECORD_INVALID') throw err;
    deps.logger.error({ err, jobId }, 'job record corrupt; skipped');
    return null;
  }
}

/** Reads the job's file from its checkpoint to the end, one checkpoint per chunk. */
async function readFromCheckpoint(
  jobId: string,
  job: JobStart,
  stored: { entriesLine: number; uploadDay: string },
  deps: JobRunnerDeps,
): Promise<'read' | 'abandoned'> {
  const analyzer = createLogAnalyzer({
    config: deps.logs,
    format: job.format === 'jsonl' ? 'jsonl' : 'text',
    where: { job: jobId },
    anomalyCap: 100_000,
  });
  const { checkpointLine: startLine, projectId, chunk: bounds } = job;
  const delay = deps.lineDelay.max > 0;
  let line = job.checkpointLine;
  let chunk = new ChunkBuilder(jobId, projectId, line + 1, job.checkpointOffset);
  const rows = new LogEntryRows(stored.uploadDay, jobId, projectId);
  let invalid: InvalidLineRow[] = [];
  // The previous chunk's writes (Kafka, PostgreSQL, then Redis), under way while this chunk is
  // read: parsing on this core and PostgreSQL's COPY on the other overlap. One at a time, so
  // checkpoints stay in chunk order; its error surfaces at the next flush or at the end.
  let writing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    if (chunk.lines === 0) return;
    const firstLine = chunk.firstLine;
    const { message, checkpoint } = chunk.end(analyzer.analytics);
    const entries = {
      jobId,
      uploadDay: stored.uploadDay,
      firstLine,
      lastLine: checkpoint.line,
      rows: rows.take(),
      invalid,
      // Lines up to entriesLine were committed before a restart that Redis did not record.
      replace: firstLine <= stored.entriesLine,
    };
    invalid = [];
    const anomalies: Anomaly[] = analyzer.anomalies.items.map((a) => ({
      ...a,
      // The analyzer numbers the lines it saw; a resumed job started after startLine.
      where: { ...a.where, line: (a.where.line ?? 0) + startLine },
    }));
    // Kept only until written: memory stays bounded however long the file.
    analyzer.anomalies.items.length = 0;
    await writing;
    const write = (async () => {
      if (message) await deps.produce([message]);
      await deps.entries.write(entries);
      await deps.jobs.checkpoint(jobId, projectId, { ...checkpoint, anomalies });
      deps.onAnomalies?.(anomalies);
    })();
    // Awaited at the next flush or at the end; until then its rejection is not unhandled.
    write.catch(() => undefined);
    writing = write;
    chunk = new ChunkBuilder(jobId, projectId, line + 1, checkpoint.offset);
    await deps.heartbeat();
  }

  /** Counts the reader's current line into the chunk; true when the chunk is full. */
  function count(reader: LineReader): boolean {
    line++;
    chunk.add(reader.bytes);
    const parsed: ParsedLine = reader.tooLong
      ? tooLong(analyzer, deps.maxLineBytes)
      : analyzer.push(reader.text, chunk.where);
    if (!deps.entries.storesRows) {
      if (!parsed.ok) chunk.addInvalidSample(line, parsed.reason, parsed.message);
    } else if (parsed.ok) {
      const e = parsed.entry;
      rows.add({
        line,
        epochMs: e.epochMs,
        level: e.status,
        service: e.service,
        user: e.user,
        message: e.message,
        fields: e.fields,
      });
    } else {
      chunk.addInvalidSample(line, parsed.reason, parsed.message);
      invalid.push({ line, reason: parsed.reason, message: parsed.message.slice(0, 1000) });
    }
    return chunk.full(bounds);
  }

  const stream = await withStorageRetry(deps, () => deps.store.get(job.storageKey, job.checkpointOffset));
  // Listened to before anything else is awaited: an 'error' the stream emits before the loop
  // reads it, or after the loop left it (stopping), would otherwise crash the process. While
  // the loop runs, the error also reaches it and fails the read (retried via Kafka).
  stream.on('error', (err) => deps.logger.debug({ err, jobId }, 'job file stream error'));
  const reader = new LineReader(job.checkpointOffset, deps.maxLineBytes);
  // Synchronous per line (millions of them): an await only when a chunk ends, or with the
  // simulated delay. One promise per buffer of the stream.
  async function linesFed(): Promise<'abandoned' | undefined> {
    while (reader.next()) {
      if (deps.isStopping()) {
        stream.destroy();
        return 'abandoned';
      }
      if (chunk.wouldOverflow(reader.bytes, bounds)) await flush();
      if (count(reader)) await flush();
      if (delay) await sleep(pickDelay(deps.lineDelay));
    }
    return undefined;
  }
  const abandon = async () => {
    // What is under way may finish; whatever it did not, the next owner does again.
    await writing?.catch(() => undefined);
    return 'abandoned' as const;
  };
  for await (const buf of stream as AsyncIterable<Buffer>) {
    reader.feed(buf);
    if ((await linesFed()) === 'abandoned') return abandon();
  }
  reader.endOfStream();
  if ((await linesFed()) === 'abandoned') return abandon();
  await flush();
  await writing;
  return 'read';
}

/** A line over the limit was never held in memory: it is counted as invalid, unparsed. */
function tooLong(analyzer: LogAnalyzer, max: number): ParsedLine {
  const message = `longer than ${max} bytes`;
  analyzer.pushInvalid('line_too_long', message);
  return { ok: false, reason: 'line_too_long', message };
}

/** Why the job's file cannot be read (gone, or storage down after retries), or null. */
async function fileProblem(deps: JobRunnerDeps, key: string): Promise<CodedError | null> {
  try {
    const size = await withStorageRetry(deps, () => deps.store.size(key));
    return size === null ? fileMissing(key) : null;
  } catch (err) {
    return fileCheckFailure(key, err);
  }
}

async function fail(deps: JobRunnerDeps, jobId: string, failure: CodedError): Promise<JobOutcome> {
  deps.logger.warn({ jobId, code: failure.code, error: failure.message }, 'job failed');
  await deps.jobs.fail(jobId, failure);
  // Redis has the failure (the reporter shows it); PostgreSQL may be what failed. Its record
  // has one text column: the same `CODE: message` the API shows.
  const text = jobErrorText({ errorCode: failure.code, error: failure.message }) ?? failure.code;
  await deps.entries.failed(jobId, text).catch((err: unknown) => {
    deps.logger.warn({ err, jobId }, 'the failed job could not be recorded in postgres');
  });
  return 'failed';
}

/** Storage calls are retried a few times with backoff before the job is failed. */
async function withStorageRetry<T>(deps: JobRunnerDeps, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      // The code decides: a missing object (OBJECT_NOT_FOUND) is not worth another try.
      if (!isRetriable(err) || attempt >= deps.storageAttempts || deps.isStopping()) throw err;
      await sleep(backoffDelay(attempt, { initialMs: 200, maxMs: Number.POSITIVE_INFINITY, factor: 3 }));
    }
  }
}
