import { invalid, LogEntry, type ParsedLine } from './log-entry.js';
import type { LogsConfig } from './logs-config.js';
import { excerpt } from './parse-payment-line.js';
import { timestampEpochMs } from './parse-timestamp.js';
import { readCommonLogEntry } from './read-common-log-entry.js';

type Missing = LogsConfig['missingMarkers'];

/**
 * Parses one `.jsonl` line against the LogEntry schema. The same rules as the text format
 * apply once the fields are out: a missing field or a timestamp that is not ISO-8601 makes
 * the line invalid, an odd value is an anomaly. `level` is upper-cased (JSON loggers write
 * `info`, payment lines `INFO`); `status` wins when both are present.
 *
 * Almost every line is a well-formed entry, so a hand-written check (readCommonLogEntry)
 * reads it first; what it does not accept goes through the schema, which decides and says
 * why. The answer is the same either way (a test runs a corpus through both).
 */
export function parseJsonlLine(raw: string, config: Pick<LogsConfig, 'missingMarkers'>): ParsedLine {
  // A line that starts with `{` is not blank: no trimmed copy of every line.
  if (raw.charCodeAt(0) !== 123 && raw.trim() === '') return invalid('empty_line', 'the line is blank');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return invalid('invalid_json', (err as Error).message);
  }
  return readCommonLogEntry(json, config.missingMarkers) ?? bySchema(json, config.missingMarkers);
}

/** parseJsonlLine with every value through the zod schema: the reference the cheap check must match. */
export function parseJsonlLineBySchema(raw: string, config: Pick<LogsConfig, 'missingMarkers'>): ParsedLine {
  if (raw.trim() === '') return invalid('empty_line', 'the line is blank');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return invalid('invalid_json', (err as Error).message);
  }
  return bySchema(json, config.missingMarkers);
}

function bySchema(json: unknown, missing: Missing): ParsedLine {
  const result = LogEntry.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`);
    return invalid('schema', issues.join('; '));
  }
  const { timestamp, level, status, service, message, userId, ...fields } = result.data;
  const epochMs = timestampEpochMs(timestamp);
  if (epochMs === undefined)
    return invalid('bad_timestamp', `"${excerpt(timestamp)}" is not an ISO-8601 timestamp`);
  return {
    ok: true,
    entry: {
      timestamp,
      epochMs,
      status: status ?? (level as string).toUpperCase(),
      service: missing.includes(service) ? '' : service,
      user: userId === undefined || !missing.includes(userId) ? userId : '',
      message,
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
    },
  };
}
