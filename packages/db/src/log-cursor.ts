/**
 * Keyset cursors of the entry queries: the sort key of the last row a page returned, opaque to
 * clients (base64url JSON). A page after it continues exactly there, however many rows are
 * added meanwhile, and costs the same on page 1,000 as on page 1 (no OFFSET).
 */
export interface EntryKey {
  /** The entry's time (ms); the project query sorts by it. */
  ts: number | null;
  jobId: string;
  line: number;
}

export function encodeCursor(key: EntryKey): string {
  return Buffer.from(JSON.stringify([key.ts, key.jobId, key.line])).toString('base64url');
}

/** The key in a cursor, or null when the text is not a cursor this API gave out. */
export function decodeCursor(cursor: string): EntryKey | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [ts, jobId, line] = parsed as unknown[];
  if (ts !== null && !Number.isSafeInteger(ts)) return null;
  if (typeof jobId !== 'string' || !Number.isSafeInteger(line) || (line as number) < 0) return null;
  return { ts: ts as number | null, jobId, line: line as number };
}
