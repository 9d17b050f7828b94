/** The shapes of the reporter's answers the console reads (see docs/openapi/reporter.json). */
export interface Project {
  projectId: string;
  number: number;
  name: string;
  createdAt?: number | string;
  keys?: { keyId: string; createdAt?: number | string; expiresAt?: number | string | null }[];
}

export interface CreatedProject extends Project {
  keyId: string;
  ingestKey: string;
  readToken: string;
  dsn: string;
}

export interface Stats {
  projectId: string;
  invalid: number;
  error: number;
  warning: number;
  info: number;
  total: number;
  custom: Record<string, number>;
}

export interface SeriesBucket {
  start: number;
  error: number;
  warning: number;
  info: number;
}

export interface Series {
  resolution: 'minute' | 'hour';
  bucketMs: number;
  buckets: SeriesBucket[];
}

export interface Counter {
  name: string;
  path: string;
  op: string;
  value?: unknown;
  count: number;
}

export interface Quota {
  quota: { eventsPerSecond: number; burst: number; mode: string; weight: number; source: string } | null;
  acceptedLastMinute: number;
  throttledLastMinute: number;
}

export type IssueStatus = 'open' | 'resolved' | 'ignored';

export interface Issue {
  number: number;
  title: string;
  culprit: string;
  severity: 'error' | 'warning' | 'info';
  status: IssueStatus;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Frame {
  file: string;
  method: string;
  line?: number;
  inApp?: boolean;
  context?: string;
}

export interface Crash {
  eventId: string;
  issue: number;
  eventNumber: number;
  receivedAt: number;
  message: string;
  severity: string;
  userId?: string;
  stacktrace?: Frame[];
  metadata?: Record<string, unknown>;
}

export interface SearchAnswer extends Page<Crash> {
  query: string[];
}

export interface Job {
  job_id: string;
  file_name: string;
  format: string;
  project_id: string | null;
  size: number;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  progress: {
    percent: number;
    bytes_read: number;
    lines_read: number;
    valid: number;
    invalid: number;
    processed: number;
  };
}

export interface Analytics {
  payment_statuses: Record<string, number>;
  top_services: string[];
  top_users: string[];
  peak_hours: (string | number)[];
  events_per_hour: number[];
}

export interface JobSummary extends Analytics {
  job_id: string;
  status: string;
  lines: number;
  valid: number;
  invalid: number;
  processed: number;
  invalid_reasons: Record<string, number>;
}

export interface Anomaly {
  kind: string;
  where: { job?: string; line?: number; eventId?: string; file?: string };
  detail: Record<string, unknown>;
  at?: string;
}

export interface Health {
  at: number;
  counters: Record<string, number>;
  lag: { total: number; partitions: { partition: number; lag: number }[] } | null;
  dlq: { listed: number; waiting: number };
}

export interface DeadLetter {
  eventId: string;
  attempts?: number;
  error?: string;
  queuedAt?: number;
  userId?: string;
  state?: 'dead' | 'replaying' | 'replayed';
  replays?: number;
  replayProcessedAt?: number;
}

/** A parsed line of an upload, from PostgreSQL. */
export interface StoredEntry {
  jobId: string;
  line: number;
  timestamp: string | null;
  level: string;
  service: string;
  user: string | null;
  message: string;
  fields: Record<string, unknown> | null;
}

export interface EntryPage {
  entries: StoredEntry[];
  nextCursor: string | null;
}

export interface InvalidLinePage {
  lines: { line: number; reason: string; message: string }[];
  nextCursor: string | null;
}

/** A job's record in PostgreSQL (the project's job list). */
export interface JobRecord {
  jobId: string;
  fileName: string;
  sizeBytes: number;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  validLines: number;
  invalidLines: number;
}
