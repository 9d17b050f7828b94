import { defineErrors, isCodedError } from '@evh/lifecycle';

export const dbErrors = defineErrors({
  /** The server cannot be reached, is starting, shutting down or recovering: try again. */
  DB_UNAVAILABLE: { status: 503, retriable: true },
  /** A migration file changed after it was applied: the schema and the code disagree. */
  DB_MIGRATION_CHANGED: { status: 500, retriable: false },
  /** The server refused a statement (a bug or bad data): trying again changes nothing. */
  DB_REFUSED: { status: 500, retriable: false },
});

// SQLSTATE classes that mean "not now" rather than "never": connection exceptions (08),
// insufficient resources (53), operator intervention (57: shutdown, crash recovery, cannot
// connect now), and serialization failures or deadlocks (40).
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57']);
// undefined_table: the schema is not migrated yet (the consumer or the hook Job is about to).
const TRANSIENT_CODES = new Set(['42P01']);
// Errors of the socket itself (node's codes), before any SQLSTATE exists.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The coded error for whatever node-postgres threw: DB_UNAVAILABLE when trying again can
 * succeed, DB_REFUSED otherwise. Already coded errors pass through.
 */
export function toDbError(err: unknown, what: string) {
  if (isCodedError(err)) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = `${what}: ${typeof e.message === 'string' ? e.message : String(err)}`;
  const transient =
    SOCKET_CODES.has(code) ||
    TRANSIENT_CLASSES.has(code.slice(0, 2)) ||
    TRANSIENT_CODES.has(code) ||
    // node-postgres' own words for a connection that ended or never came.
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    );
  return transient
    ? dbErrors.DB_UNAVAILABLE(message, { cause: err })
    : dbErrors.DB_REFUSED(message, { cause: err, details: code ? { sqlstate: code } : undefined });
}

/** Whether an error means the database could not be reached (trying later can succeed). */
export function isDbUnavailable(err: unknown): boolean {
  return isCodedError(err) && err.code === 'DB_UNAVAILABLE';
}
