import { invalid, type ParsedLine } from './log-entry.js';
import type { LogsConfig } from './logs-config.js';
import { parseTimestamp } from './parse-timestamp.js';

const SHOWN = 80;

/** Shortens a value for an error message, so a 1 MB junk line does not become a 1 MB message. */
export function excerpt(text: string, max = SHOWN): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Parses `timestamp status service user message...` where the message is the rest of the line.
 *
 * Fields are separated by single spaces, not runs of whitespace: in a line such as
 * `2025-07-21T22:36:11Z INFO AuthenticationService  Batch job started.` the empty field between
 * the two spaces is the missing user, whereas splitting on whitespace would make "Batch" the
 * user and silently corrupt the top-users list.
 *
 * Invalid (the line is not counted): fewer than four fields, a blank line, a first field that
 * is not an ISO-8601 timestamp, an empty status. These leave nothing trustworthy to count.
 *
 * Valid but anomalous (counted, and reported by detectLineAnomalies): an unknown status, a
 * well-shaped but impossible or implausible timestamp, a missing service, user or message,
 * an oversized message. The status is what tier 1 counts, and it is intact on such lines.
 */
export function parsePaymentLine(raw: string, config: Pick<LogsConfig, 'missingMarkers'>): ParsedLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return invalid('empty_line', 'the line is blank');
  const s1 = line.indexOf(' ');
  const s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
  const s3 = s2 < 0 ? -1 : line.indexOf(' ', s2 + 1);
  if (s3 < 0) {
    return invalid(
      'too_few_fields',
      `expected "timestamp status service user message", got "${excerpt(line)}"`,
    );
  }
  const s4 = line.indexOf(' ', s3 + 1);
  const timestamp = line.slice(0, s1);
  const parsed = parseTimestamp(timestamp);
  if (!parsed.shape) return invalid('bad_timestamp', `"${excerpt(timestamp)}" is not an ISO-8601 timestamp`);
  const status = line.slice(s1 + 1, s2);
  if (status === '') return invalid('missing_status', 'the status field is empty');
  const service = line.slice(s2 + 1, s3);
  const user = s4 < 0 ? line.slice(s3 + 1) : line.slice(s3 + 1, s4);
  const missing = config.missingMarkers;
  return {
    ok: true,
    entry: {
      timestamp,
      epochMs: parsed.epochMs,
      status,
      service: missing.includes(service) ? '' : service,
      user: missing.includes(user) ? '' : user,
      message: s4 < 0 ? '' : line.slice(s4 + 1),
    },
  };
}
