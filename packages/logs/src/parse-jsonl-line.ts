import { invalid, LogEntry, type ParsedLine } from './log-entry.js';
import type { LogsConfig } from './logs-config.js';
import { excerpt } from './parse-payment-line.js';
import { parseTimestamp } from './parse-timestamp.js';

/**
 * Parses one `.jsonl` line against the LogEntry schema. The same rules as the text format
 * apply once the fields are out: a missing field or a timestamp that is not ISO-8601 makes
 * the line invalid, an odd value is an anomaly. `level` is upper-cased (JSON loggers write
 * `info`, payment lines `INFO`); `status` wins when both are present.
 */
export function parseJsonlLine(raw: string, config: Pick<LogsConfig, 'missingMarkers'>): ParsedLine {
  if (raw.trim() === '') return invalid('empty_line', 'the line is blank');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return invalid('invalid_json', (err as Error).message);
  }
  const result = LogEntry.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`);
    return invalid('schema', issues.join('; '));
  }
  const { timestamp, level, status, service, message, userId, ...fields } = result.data;
  const parsed = parseTimestamp(timestamp);
  if (!parsed.shape) return invalid('bad_timestamp', `"${excerpt(timestamp)}" is not an ISO-8601 timestamp`);
  const missing = config.missingMarkers;
  return {
    ok: true,
    entry: {
      timestamp,
      epochMs: parsed.epochMs,
      status: status ?? (level as string).toUpperCase(),
      service: missing.includes(service) ? '' : service,
      user: userId === undefined || !missing.includes(userId) ? userId : '',
      message,
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
    },
  };
}
