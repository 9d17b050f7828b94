import { invalid, type ParsedEntry, type ParsedLine } from './log-entry.js';
import type { LogsConfig } from './logs-config.js';
import { excerpt } from './parse-payment-line.js';
import { timestampEpochMs } from './parse-timestamp.js';

const isLabel = (v: unknown) => v === undefined || (typeof v === 'string' && v !== '');

/**
 * The parsed line of a value LogEntry accepts, checked by hand, or undefined to leave the
 * value to the schema (which then rejects it, or accepts something this check does not know).
 * A few typeof checks and one walk over the keys instead of the schema's object walk, its
 * result objects and the rest-destructured copy: this runs on every line of multi-GB uploads.
 */
export function readCommonLogEntry(
  json: unknown,
  missing: LogsConfig['missingMarkers'],
): ParsedLine | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const v = json as Record<string, unknown>;
  const { timestamp, level, status, service, message, userId } = v;
  if (typeof timestamp !== 'string' || typeof service !== 'string' || typeof message !== 'string') {
    return undefined;
  }
  if (!isLabel(level) || !isLabel(status) || (level === undefined && status === undefined)) return undefined;
  if (userId !== undefined && typeof userId !== 'string' && typeof userId !== 'number') return undefined;
  // The extra fields, in input order as the schema's loose object keeps them.
  let fields: Record<string, unknown> | undefined;
  for (const key in v) {
    switch (key) {
      case 'timestamp':
      case 'level':
      case 'status':
      case 'service':
      case 'message':
      case 'userId':
        continue;
      // Assigning it would set the copy's prototype; the schema knows what to do with it.
      case '__proto__':
        return undefined;
    }
    fields ??= {};
    fields[key] = v[key];
  }
  const epochMs = timestampEpochMs(timestamp);
  if (epochMs === undefined)
    return invalid('bad_timestamp', `"${excerpt(timestamp)}" is not an ISO-8601 timestamp`);
  const user = typeof userId === 'number' ? String(userId) : userId;
  const entry: ParsedEntry = {
    timestamp,
    epochMs,
    status: (status as string | undefined) ?? (level as string).toUpperCase(),
    service: missing.includes(service) ? '' : service,
    user: user === undefined || !missing.includes(user) ? user : '',
    message,
  };
  if (fields !== undefined) entry.fields = fields;
  return { ok: true, entry };
}
