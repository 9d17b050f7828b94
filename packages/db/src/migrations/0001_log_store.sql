-- The upload jobs' records and the entries parsed from their files (seed 002's Job and
-- LogEntry), plus the lines that could not be used. See docs/adr/0012.

CREATE TABLE jobs (
  job_id        text PRIMARY KEY,
  project_id    text,
  file_name     text NOT NULL,
  size_bytes    bigint NOT NULL,
  format        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
  -- The partition of log_entries that holds this job's entries (the day it was uploaded).
  upload_day    date NOT NULL,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  lines_read    bigint NOT NULL DEFAULT 0,
  valid_lines   bigint NOT NULL DEFAULT 0,
  invalid_lines bigint NOT NULL DEFAULT 0,
  -- The last line whose entries are committed: moved in the transaction that copies them.
  entries_line  bigint NOT NULL DEFAULT 0,
  error         text
);
CREATE INDEX jobs_by_project ON jobs (project_id, created_at DESC, job_id DESC);
CREATE INDEX jobs_by_upload_day ON jobs (upload_day);

-- One row per valid line. Partitioned by the job's upload day: retention (LOG_RETENTION_DAYS)
-- drops a whole day's partition instead of deleting rows one by one, and a job's bulk load
-- touches one partition's indexes. Partitions are created on first use (log-partitions.ts).
CREATE TABLE log_entries (
  upload_day date NOT NULL,
  job_id     text NOT NULL,
  line       integer NOT NULL,
  project_id text,
  -- NULL when the line's timestamp had the right shape but named an impossible instant.
  ts         timestamptz,
  -- The payment format's status (SUCCESS, FAILURE) or a .jsonl event's level, upper-cased.
  level      text NOT NULL,
  service    text NOT NULL,
  user_id    text,
  message    text NOT NULL,
  -- The remaining fields of a .jsonl event; NULL when it had none.
  fields     jsonb
) PARTITION BY RANGE (upload_day);

-- A job's entries in line order (and what makes a chunk written twice replace itself).
CREATE UNIQUE INDEX log_entries_job_line ON log_entries (job_id, line, upload_day);
-- A project's logs by time, and filtered by level and service: the query the brief's users run.
CREATE INDEX log_entries_project_ts ON log_entries (project_id, ts);
CREATE INDEX log_entries_project_level_service_ts ON log_entries (project_id, level, service, ts);
-- Full-text search on the message, all words. The 'simple' configuration: log messages are not
-- prose in one language, and stemming would make `failed` find `fail`. fastupdate gathers new
-- entries in a pending list merged in bulk, much cheaper than one GIN insert per row.
CREATE INDEX log_entries_message_fts ON log_entries USING gin (to_tsvector('simple', message))
  WITH (fastupdate = on, gin_pending_list_limit = 16384);

CREATE TABLE invalid_lines (
  job_id  text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
  line    integer NOT NULL,
  reason  text NOT NULL,
  message text NOT NULL,
  PRIMARY KEY (job_id, line)
);
