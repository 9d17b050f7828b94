import { LOG_CHUNK_KIND, type LogChunk, logChunkId } from '@evh/events';
import type { OutgoingMessage } from '@evh/kafka';
import type { AnalyticsAccumulator } from '@evh/logs';
import type { Checkpoint } from './job-store.js';

const SAMPLES = 20;

/** How big a chunk may grow: it ends at whichever bound it reaches first. */
export interface ChunkBounds {
  lines: number;
  bytes: number;
}

/** What a chunk hands on when it ends: its event (when it has valid lines) and its checkpoint. */
export interface ChunkResult {
  message: OutgoingMessage | null;
  checkpoint: Omit<Checkpoint, 'anomalies'>;
}

/**
 * The lines read since the last checkpoint. Their counts are not kept here: the analyzer
 * already counts every line it parses, and the chunk takes those counts out of it when it
 * ends (so each line is counted once, by the analyzer). What the chunk keeps itself is its
 * extent and the first invalid lines, with their text.
 */
export class ChunkBuilder {
  lines = 0;
  bytes = 0;
  /** Where the analyzer's anomalies of this chunk's lines point: the chunk's event. */
  readonly where: { eventId: string };
  private readonly invalidSamples: Checkpoint['invalidSamples'] = [];

  constructor(
    private readonly jobId: string,
    private readonly projectId: string | null,
    /** The first line's number (1-based) and byte offset: the checkpoint the chunk starts at. */
    readonly firstLine: number,
    readonly startOffset: number,
  ) {
    this.where = { eventId: logChunkId(jobId, firstLine) };
  }

  /** Whether a line of `bytes` must start the next chunk instead (a chunk is never empty). */
  wouldOverflow(bytes: number, bounds: ChunkBounds): boolean {
    return this.lines > 0 && this.bytes + bytes > bounds.bytes;
  }

  add(bytes: number): void {
    this.lines++;
    this.bytes += bytes;
  }

  addInvalidSample(line: number, reason: string, message: string): void {
    if (this.invalidSamples.length < SAMPLES) this.invalidSamples.push({ line, reason, message });
  }

  full(bounds: ChunkBounds): boolean {
    return this.lines >= bounds.lines || this.bytes >= bounds.bytes;
  }

  /** Ends the chunk: its event and checkpoint, with the counts taken out of `counts`. */
  end(counts: AnalyticsAccumulator): ChunkResult {
    const lastLine = this.firstLine + this.lines - 1;
    const offset = this.startOffset + this.bytes;
    const checkpoint = {
      offset,
      line: lastLine,
      valid: counts.valid,
      invalid: counts.invalid,
      invalidReasons: new Map(counts.invalidReasons),
      invalidSamples: this.invalidSamples,
    };
    let message: OutgoingMessage | null = null;
    if (counts.valid > 0) {
      const chunk: LogChunk = {
        jobId: this.jobId,
        projectId: this.projectId,
        firstLine: this.firstLine,
        lastLine,
        lines: counts.valid,
        startOffset: this.startOffset,
        endOffset: offset,
        statuses: [...counts.statuses],
        services: [...counts.services],
        users: [...counts.users],
        hours: counts.hours.flatMap((n, h): [number, number][] => (n > 0 ? [[h, n]] : [])),
      };
      const event = {
        id: this.where.eventId,
        // A chunk has many users or none: the job's key keeps its chunks in one lane.
        userId: '',
        type: LOG_CHUNK_KIND,
        kind: LOG_CHUNK_KIND,
        // Where the fair scheduler looks for the project of a kind it does not know.
        payload: this.projectId ? { projectId: this.projectId } : {},
        timestamp: Date.now(),
        chunk,
      };
      message = { key: this.jobId, value: JSON.stringify(event) };
    }
    resetCounts(counts);
    return { message, checkpoint };
  }
}

/** Zeroes an accumulator whose counts were handed on, so the next chunk starts from none. */
function resetCounts(counts: AnalyticsAccumulator): void {
  counts.lines = 0;
  counts.valid = 0;
  counts.invalid = 0;
  counts.invalidReasons.clear();
  counts.statuses.clear();
  counts.services.clear();
  counts.users.clear();
  counts.hours.fill(0);
}
