import type { AnomalyKind } from './anomaly.js';
import type { ParsedEntry } from './log-entry.js';
import type { LogsConfig } from './logs-config.js';

export interface LineAnomaly {
  kind: AnomalyKind;
  detail: Record<string, unknown>;
}

export type TimestampProblem = 'impossible' | 'too_early' | 'too_late';

type TimeConfig = Pick<LogsConfig, 'earliestMs' | 'nowMs' | 'maxFutureSkewMs'>;

/**
 * Why a well-shaped timestamp cannot be believed, or null. Such an event keeps its status in
 * the counts but is left out of the hours of day: 1970-01-01T00:00:00Z is a zeroed field, not
 * a payment at midnight.
 */
export function timestampProblem(epochMs: number | null, config: TimeConfig): TimestampProblem | null {
  if (epochMs === null) return 'impossible';
  if (epochMs < config.earliestMs) return 'too_early';
  if (config.nowMs !== undefined && epochMs > config.nowMs + config.maxFutureSkewMs) return 'too_late';
  return null;
}

const NONE: readonly LineAnomaly[] = Object.freeze([]);

/**
 * The anomalies visible on one line by itself. Pure: the answer depends on the entry and the
 * config only. Returns a shared empty array in the common case, as this runs on every line.
 */
export function detectLineAnomalies(
  entry: ParsedEntry,
  config: TimeConfig & Pick<LogsConfig, 'knownStatuses' | 'maxMessageLength'>,
): readonly LineAnomaly[] {
  let found: LineAnomaly[] | undefined;
  const add = (kind: AnomalyKind, detail: Record<string, unknown>) => {
    found ??= [];
    found.push({ kind, detail });
  };
  if (!config.knownStatuses.includes(entry.status)) add('unknown_status', { status: entry.status });
  const problem = timestampProblem(entry.epochMs, config);
  if (problem) add('impossible_timestamp', { problem, timestamp: entry.timestamp });
  const missing: string[] = [];
  if (entry.service === '') missing.push('service');
  if (entry.user === '') missing.push('user');
  if (entry.message === '') missing.push('message');
  if (missing.length > 0) add('missing_field', { fields: missing });
  if (entry.message.length > config.maxMessageLength) {
    add('oversized_message', { length: entry.message.length, max: config.maxMessageLength });
  }
  return found ?? NONE;
}
