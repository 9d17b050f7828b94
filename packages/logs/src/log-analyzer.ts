import { AnalyticsAccumulator } from './analytics-accumulator.js';
import type { AnomalyKind, AnomalyWhere } from './anomaly.js';
import { AnomalyLog } from './anomaly-log.js';
import { createDuplicateLineDetector } from './duplicate-line-detector.js';
import { createErrorSpikeDetector } from './error-spike-detector.js';
import { detectLineAnomalies, type LineAnomaly, timestampProblem } from './line-anomalies.js';
import type { InvalidReason, ParsedEntry, ParsedLine } from './log-entry.js';
import { invalid } from './log-entry.js';
import type { LogsConfig } from './logs-config.js';
import { parseJsonlLine } from './parse-jsonl-line.js';
import { excerpt, parsePaymentLine } from './parse-payment-line.js';
import { createUserBurstDetector } from './user-burst-detector.js';

export type LogFormat = 'text' | 'jsonl';

/** `.jsonl` and `.ndjson` files hold JSON events; anything else is read as payment lines. */
export function formatForFile(name: string): LogFormat {
  return /\.(jsonl|ndjson)$/i.test(name) ? 'jsonl' : 'text';
}

export function parseLine(raw: string, format: LogFormat, config: LogsConfig): ParsedLine {
  return format === 'jsonl' ? parseJsonlLine(raw, config) : parsePaymentLine(raw, config);
}

export interface LogAnalyzerOptions {
  config: LogsConfig;
  format: LogFormat;
  /** Where these lines come from (file or job), copied into every anomaly. */
  where?: Omit<AnomalyWhere, 'line'>;
  /** How many anomalies to keep (all are counted). */
  anomalyCap: number;
}

export interface LogAnalyzer {
  /** Parses, counts and checks the next line (without its newline). */
  push(raw: string, extra?: { eventId?: string }): ParsedLine;
  /** Counts a line the caller could not even read, such as one past its length limit. */
  pushInvalid(reason: InvalidReason, message: string): void;
  readonly analytics: AnalyticsAccumulator;
  readonly anomalies: AnomalyLog;
  /** Lines pushed so far: the line number of the last one. */
  readonly lineNo: number;
}

/**
 * Everything one partition of input (a file, a byte range, a job) goes through: parse, count,
 * detect. Window detectors see the partition's lines in order and start empty, so a window
 * never spans two partitions; with the partitions fixed, the result is the same however many
 * threads run them.
 */
export function createLogAnalyzer({
  config,
  format,
  where = {},
  anomalyCap,
}: LogAnalyzerOptions): LogAnalyzer {
  const analytics = new AnalyticsAccumulator();
  const anomalies = new AnomalyLog(anomalyCap);
  const spikes = createErrorSpikeDetector(config.errorSpike);
  const bursts = createUserBurstDetector(config.userBurst);
  const duplicates = createDuplicateLineDetector(config.duplicateMemory);
  const errorStatuses = new Set(config.errorStatuses);
  let lineNo = 0;

  /** Where an anomaly of the current line is: built only when there is one. */
  function whereNow(extra: { eventId?: string } | undefined): AnomalyWhere {
    return { ...where, line: lineNo, ...extra };
  }

  // No closure, list or object is made here for a line without anomalies: this runs for
  // every line of multi-GB inputs.
  function record(result: ParsedLine, raw: string, extra: { eventId?: string } | undefined): void {
    if (!result.ok) {
      analytics.add(result);
      anomalies.add({
        kind: 'invalid_line',
        where: whereNow(extra),
        detail: { reason: result.reason, message: result.message, text: excerpt(raw) },
      });
      return;
    }
    const { entry } = result;
    analytics.add(result, timestampProblem(entry.epochMs, config) === null);
    const lineAnomalies = detectLineAnomalies(entry, config);
    for (let i = 0; i < lineAnomalies.length; i++) {
      const { kind, detail } = lineAnomalies[i] as LineAnomaly;
      found(kind, detail, entry, extra);
    }
    const linesBack = duplicates.push(raw, lineNo);
    if (linesBack !== undefined) found('duplicate_line', { lines_back: linesBack }, entry, extra);
    const spike = spikes.push(errorStatuses.has(entry.status));
    if (spike) found('error_spike', { ...spike }, entry, extra);
    const burst = bursts.push(entry.user || undefined);
    if (burst) found('user_burst', { ...burst }, entry, extra);
  }

  function found(
    kind: AnomalyKind,
    detail: Record<string, unknown>,
    entry: ParsedEntry,
    extra: { eventId?: string } | undefined,
  ): void {
    anomalies.add({ kind, detail, where: whereNow(extra), at: entry.timestamp });
  }

  return {
    analytics,
    anomalies,
    get lineNo() {
      return lineNo;
    },
    push(raw, extra) {
      lineNo++;
      const result = parseLine(raw, format, config);
      record(result, raw, extra);
      return result;
    },
    pushInvalid(reason, message) {
      lineNo++;
      record(invalid(reason, message), '', undefined);
    },
  };
}
