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

/** The empty fields of an entry, or undefined when none is: a list only when there is one. */
function missingFields(entry: ParsedEntry): string[] | undefined {
  const service = entry.service === '';
  const user = entry.user === '';
  const message = entry.message === '';
  if (!service && !user && !message) return undefined;
  const fields: string[] = [];
  if (service) fields.push('service');
  if (user) fields.push('user');
  if (message) fields.push('message');
  return fields;
}

/**
 * The anomalies visible on one line by itself. Pure: the answer depends on the entry and the
 * config only. Returns a shared empty array in the common case, and builds nothing (no list,
 * no closure) until a check fails, as this runs on every line.
 */
export function detectLineAnomalies(
  entry: ParsedEntry,
  config: TimeConfig & Pick<LogsConfig, 'knownStatuses' | 'maxMessageLength'>,
): readonly LineAnomaly[] {
  const unknown = !config.knownStatuses.includes(entry.status);
  const problem = timestampProblem(entry.epochMs, config);
  const missing = missingFields(entry);
  const oversized = entry.message.length > config.maxMessageLength;
  if (!unknown && problem === null && missing === undefined && !oversized) return NONE;
  const found: LineAnomaly[] = [];
  if (unknown) found.push({ kind: 'unknown_status', detail: { status: entry.status } });
  if (problem) found.push({ kind: 'impossible_timestamp', detail: { problem, timestamp: entry.timestamp } });
  if (missing) found.push({ kind: 'missing_field', detail: { fields: missing } });
  if (oversized) {
    found.push({
      kind: 'oversized_message',
      detail: { length: entry.message.length, max: config.maxMessageLength },
    });
  }
  return found;
}
