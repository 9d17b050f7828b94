import { randomUUID } from 'node:crypto';
import type { Severity, StackFrame } from '@evh/events';

/** What a crash report takes at most (crashReportSchema): longer is cut, not refused. */
const MAX_MESSAGE = 8192;
const MAX_FRAMES = 500;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Sentry's levels into ours: fatal is an error (tagged), debug is info. */
export function severityOf(level: unknown): { severity: Severity; fatal: boolean } {
  switch (level) {
    case 'fatal':
    case 'critical':
      return { severity: 'error', fatal: true };
    case 'warning':
    case 'warn':
      return { severity: 'warning', fatal: false };
    case 'info':
    case 'debug':
    case 'log':
      return { severity: 'info', fatal: false };
    default:
      return { severity: 'error', fatal: false };
  }
}

/** `exception` is `{values: […]}`, or a bare list in older SDKs. */
function exceptions(event: Obj): Obj[] {
  const e = event.exception;
  const list = Array.isArray(e) ? e : isObj(e) && Array.isArray(e.values) ? e.values : [];
  return list.filter(isObj);
}

function messageOf(event: Obj, excs: Obj[]): string {
  const last = excs[excs.length - 1];
  if (last) {
    const type = str(last.type);
    const value = str(last.value);
    const text = type && value ? `${type}: ${value}` : (type ?? value);
    if (text) return text;
  }
  const m = event.message;
  const logentry = isObj(event.logentry) ? event.logentry : undefined;
  return (
    str(m) ??
    (isObj(m) ? (str(m.formatted) ?? str(m.message)) : undefined) ??
    str(logentry?.formatted) ??
    str(logentry?.message) ??
    '<no message>'
  );
}

function frameOf(f: Obj): StackFrame {
  const file = str(f.filename) ?? str(f.abs_path) ?? str(f.module) ?? '<unknown>';
  const method = str(f.function) ?? '<anonymous>';
  const frame: StackFrame = { file, method };
  if (typeof f.lineno === 'number' && Number.isInteger(f.lineno) && f.lineno >= 0) frame.line = f.lineno;
  if (typeof f.in_app === 'boolean') frame.inApp = f.in_app;
  const context = str(f.context_line)?.trim();
  if (context) frame.context = context.slice(0, 200);
  return frame;
}

/**
 * Ours are innermost first; Sentry sends each exception's frames oldest (outermost) first
 * and chained exceptions cause first, so both lists are walked backwards.
 */
function framesOf(excs: Obj[]): StackFrame[] {
  const out: StackFrame[] = [];
  for (let i = excs.length - 1; i >= 0 && out.length < MAX_FRAMES; i--) {
    const st = excs[i]?.stacktrace;
    const frames = isObj(st) && Array.isArray(st.frames) ? st.frames.filter(isObj) : [];
    for (let j = frames.length - 1; j >= 0 && out.length < MAX_FRAMES; j--)
      out.push(frameOf(frames[j] as Obj));
  }
  return out;
}

/** Tags come as an object or as `[key, value]` pairs; values are kept as strings. */
function tagsOf(tags: unknown): Record<string, string> | undefined {
  const entries = Array.isArray(tags)
    ? tags.filter((t): t is [unknown, unknown] => Array.isArray(t) && t.length === 2)
    : isObj(tags)
      ? Object.entries(tags)
      : [];
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([k, v]) => [String(k), typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** Sentry's event id is 32 hex digits (a UUID without dashes); a UUID with them is taken too. */
export function sentryEventId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

export function newSentryEventId(): string {
  return randomUUID().replace(/-/g, '');
}

export interface SentryCrash {
  projectId: string;
  eventId: string;
  severity: Severity;
  message: string;
  stacktrace: StackFrame[];
  metadata: Record<string, unknown>;
  userId?: string;
}

/**
 * A Sentry event as our crash report. What grouping and counters need goes to the fields
 * and into `metadata` (tags, contexts, extra, user, release, environment, platform, sdk), so
 * a custom counter can test e.g. `metadata.tags.plan = "pro"`.
 */
export function eventToCrash(event: Obj, projectId: string, fallbackId?: string): SentryCrash {
  const excs = exceptions(event);
  const { severity, fatal } = severityOf(event.level);
  const tags = tagsOf(event.tags);
  const metadata: Record<string, unknown> = {};
  if (tags || fatal) metadata.tags = { ...tags, ...(fatal ? { fatal: 'true' } : {}) };
  for (const field of ['contexts', 'extra', 'user', 'release', 'environment', 'platform', 'sdk', 'logger']) {
    const v = event[field];
    if (v !== undefined && v !== null) metadata[field] = v;
  }
  if (typeof event.level === 'string') metadata.level = event.level;
  const message = messageOf(event, excs);
  const user = isObj(event.user) ? event.user : undefined;
  const userId = str(user?.id) ?? (typeof user?.id === 'number' ? String(user.id) : undefined);
  return {
    projectId,
    eventId: sentryEventId(event.event_id) ?? sentryEventId(fallbackId) ?? newSentryEventId(),
    severity,
    message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message,
    stacktrace: framesOf(excs),
    metadata,
    ...(userId ? { userId: userId.slice(0, 256) } : {}),
  };
}
