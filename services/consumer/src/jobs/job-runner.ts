import { setTimeout as sleep } from 'node:timers/promises';
import { type EventMessage, LOG_LINE_KIND } from '@evh/events';
import type { Message } from '@evh/kafka';
import {
  type Anomaly,
  createLogAnalyzer,
  type LogAnalyzer,
  type LogsConfig,
  type ParsedEntry,
  type ParsedLine,
  timestampProblem,
  utcHour,
} from '@evh/logs';
import type { ObjectStore } from '@evh/storage';
import type { Logger } from 'pino';
import { pickDelay, type WorkRange } from '../crashes/simulated-work.js';
import type { Checkpoint, JobStart, JobStore } from './job-store.js';
import { splitLines } from './line-splitter.js';
import type { LogLine } from './log-line-event.js';

export interface JobRunnerDeps {
  jobs: JobStore;
  store: ObjectStore;
  /** Writes a chunk of line events to the events topic; resolves once Kafka has them. */
  produce(messages: Message[]): Promise<void>;
  logs: LogsConfig;
  logger: Logger;
  chunkLines: number;
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

const MESSAGE_MAX = 2048;

function lineEvent(
  jobId: string,
  line: number,
  projectId: string | null,
  entry: ParsedEntry,
  logs: LogsConfig,
) {
  const id = `${jobId}:${line}`;
  const timed = entry.epochMs !== null && timestampProblem(entry.epochMs, logs) === null;
  const log: LogLine = {
    jobId,
    line,
    projectId,
    status: entry.status,
    service: entry.service,
    user: entry.user ?? '',
    hour: timed && entry.epochMs !== null ? utcHour(entry.epochMs) : -1,
    timestamp: entry.timestamp,
    message: entry.message.slice(0, MESSAGE_MAX),
    ...(entry.fields ? { fields: entry.fields } : {}),
  };
  const event: EventMessage = {
    id,
    userId: log.user,
    type: LOG_LINE_KIND,
    kind: LOG_LINE_KIND,
    payload: {},
    timestamp: Date.now(),
    log,
  };
  return { key: log.user || id, value: JSON.stringify(event) };
}

/**
 * Reads one job's file from its checkpoint to the end: each valid line becomes an event on
 * the pipeline (id = job id + line number, so a chunk produced twice is processed once), and
 * after each chunk is in Kafka the job's counts and byte offset are checkpointed together.
 * The job completes when the consumer has finished every valid line (apply-log-line.lua).
 */
export async function runJob(jobId: string, deps: JobRunnerDeps): Promise<JobOutcome> {
  const job = await deps.jobs.start(jobId);
  if (!job) {
    deps.logger.warn({ jobId }, 'job record not found; skipped');
    return 'skipped';
  }
  if (job.status === 'completed' || job.status === 'failed' || job.readDone) return 'skipped';

  const missing = await fileProblem(deps, job.storageKey);
  if (missing) return fail(deps, jobId, missing);

  try {
    if ((await readFromCheckpoint(jobId, job, deps)) === 'abandoned') return 'abandoned';
  } catch (err) {
    if (deps.isStopping()) return 'abandoned';
    const reason = storageFailure(err);
    // Kafka or Redis: not the file's fault. The job stays processing and is redelivered.
    if (!reason) throw err;
    return fail(deps, jobId, reason);
  }
  const status = await deps.jobs.finishReading(jobId);
  return status === 'completed' ? 'completed' : 'read';
}

/** Reads the job's file from its checkpoint to the end, one checkpoint per chunk. */
async function readFromCheckpoint(
  jobId: string,
  job: JobStart,
  deps: JobRunnerDeps,
): Promise<'read' | 'abandoned'> {
  const analyzer = createLogAnalyzer({
    config: deps.logs,
    format: job.format === 'jsonl' ? 'jsonl' : 'text',
    where: { job: jobId },
    anomalyCap: 100_000,
  });
  const { checkpointLine: startLine, projectId } = job;
  let line = job.checkpointLine;
  let offset = job.checkpointOffset;
  let chunk = new Chunk();

  async function flush(): Promise<void> {
    if (chunk.lines === 0) return;
    await deps.produce(chunk.messages);
    const anomalies: Anomaly[] = analyzer.anomalies.items.map((a) => ({
      ...a,
      // The analyzer numbers the lines it saw; a resumed job started after startLine.
      where: { ...a.where, line: (a.where.line ?? 0) + startLine },
    }));
    // Kept only until written: memory stays bounded however long the file.
    analyzer.anomalies.items.length = 0;
    const c: Checkpoint = { ...chunk.counts(), offset, line, anomalies };
    await deps.jobs.checkpoint(jobId, projectId, c);
    deps.onAnomalies?.(anomalies);
    chunk = new Chunk();
    await deps.heartbeat();
  }

  const stream = await withStorageRetry(deps, () => deps.store.get(job.storageKey, offset));
  // Listened to before anything else is awaited: an 'error' the stream emits before the loop
  // reads it, or after the loop left it (stopping), would otherwise crash the process. While
  // the loop runs, the error also reaches it and fails the read (retried via Kafka).
  stream.on('error', (err) => deps.logger.debug({ err, jobId }, 'job file stream error'));
  for await (const piece of splitLines(stream, offset, deps.maxLineBytes)) {
    if (deps.isStopping()) {
      stream.destroy();
      return 'abandoned';
    }
    line++;
    offset = piece.end;
    const parsed: ParsedLine = piece.tooLong
      ? tooLong(analyzer, deps.maxLineBytes)
      : analyzer.push(piece.text, { eventId: `${jobId}:${line}` });
    if (parsed.ok) chunk.addValid(lineEvent(jobId, line, projectId, parsed.entry, deps.logs));
    else chunk.addInvalid(line, parsed.reason, parsed.message);
    if (deps.lineDelay.max > 0) await sleep(pickDelay(deps.lineDelay));
    if (chunk.lines >= deps.chunkLines) await flush();
  }
  await flush();
  return 'read';
}

/** The lines read since the last checkpoint: their events and their counts. */
class Chunk {
  lines = 0;
  readonly messages: Message[] = [];
  private valid = 0;
  private invalid = 0;
  private readonly invalidReasons = new Map<string, number>();
  private readonly invalidSamples: Checkpoint['invalidSamples'] = [];

  addValid(message: Message): void {
    this.lines++;
    this.valid++;
    this.messages.push(message);
  }

  addInvalid(line: number, reason: string, message: string): void {
    this.lines++;
    this.invalid++;
    this.invalidReasons.set(reason, (this.invalidReasons.get(reason) ?? 0) + 1);
    if (this.invalidSamples.length < 20) this.invalidSamples.push({ line, reason, message });
  }

  counts() {
    return {
      valid: this.valid,
      invalid: this.invalid,
      invalidReasons: this.invalidReasons,
      invalidSamples: this.invalidSamples,
    };
  }
}

/** A line over the limit was never held in memory: it is counted as invalid, unparsed. */
function tooLong(analyzer: LogAnalyzer, max: number): ParsedLine {
  const message = `longer than ${max} bytes`;
  analyzer.pushInvalid('line_too_long', message);
  return { ok: false, reason: 'line_too_long', message };
}

/** Why the job's file cannot be read (gone, or storage down after retries), or null. */
async function fileProblem(deps: JobRunnerDeps, key: string): Promise<string | null> {
  try {
    const size = await withStorageRetry(deps, () => deps.store.size(key));
    return size === null ? `FILE_MISSING: ${key} is not in object storage` : null;
  } catch (err) {
    return `STORAGE_UNAVAILABLE: ${(err as Error).message}`;
  }
}

/** The job-failing reason for a storage error; null for anything else (retried via Kafka). */
function storageFailure(err: unknown): string | null {
  const e = err as { code?: string; message?: string };
  if (e.code === 'OBJECT_NOT_FOUND') return `FILE_MISSING: ${e.message}`;
  if (e.code === 'STORAGE_UNAVAILABLE') return `STORAGE_UNAVAILABLE: ${e.message}`;
  return null;
}

async function fail(deps: JobRunnerDeps, jobId: string, error: string): Promise<JobOutcome> {
  deps.logger.warn({ jobId, error }, 'job failed');
  await deps.jobs.fail(jobId, error);
  return 'failed';
}

/** Storage calls are retried a few times with backoff before the job is failed. */
async function withStorageRetry<T>(deps: JobRunnerDeps, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err as { code?: string };
      if (e.code === 'OBJECT_NOT_FOUND' || attempt >= deps.storageAttempts || deps.isStopping()) throw err;
      await sleep(200 * 3 ** (attempt - 1));
    }
  }
}
