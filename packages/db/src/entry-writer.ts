import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction, type Pool, type PoolClient } from './create-pool.js';
import { LOG_ENTRY_COLUMNS } from './log-entry-row.js';
import { ensurePartition } from './log-partitions.js';

export interface InvalidLineRow {
  line: number;
  reason: string;
  message: string;
}

export interface EntryChunk {
  jobId: string;
  uploadDay: string;
  firstLine: number;
  lastLine: number;
  /** The chunk's valid lines as COPY text (LogEntryRows.take()); empty when it had none. */
  rows: Buffer;
  invalid: InvalidLineRow[];
  /**
   * Set when rows of these lines may exist already (a job resumed before its last commit
   * reached Redis): they are deleted first, so writing a chunk twice leaves it once.
   */
  replace: boolean;
}

/**
 * Writes one chunk of a job in one transaction: its entries by COPY into the day's partition,
 * its invalid lines, and the job's `entries_line`. Either all of it is committed or none, so
 * a worker killed at any point leaves whole chunks, and the job's entries_line says which.
 */
export async function writeEntryChunk(pool: Pool, chunk: EntryChunk): Promise<void> {
  await inTransaction(
    pool,
    `write lines ${chunk.firstLine}-${chunk.lastLine} of job ${chunk.jobId}`,
    async (client) => {
      const partition = await ensurePartition(pool, client, chunk.uploadDay);
      if (chunk.replace) {
        await client.query(`DELETE FROM ${partition} WHERE job_id = $1 AND line BETWEEN $2 AND $3`, [
          chunk.jobId,
          chunk.firstLine,
          chunk.lastLine,
        ]);
        await client.query('DELETE FROM invalid_lines WHERE job_id = $1 AND line BETWEEN $2 AND $3', [
          chunk.jobId,
          chunk.firstLine,
          chunk.lastLine,
        ]);
      }
      if (chunk.rows.length > 0) await copyRows(client, partition, chunk.rows);
      if (chunk.invalid.length > 0) {
        await client.query(
          `INSERT INTO invalid_lines (job_id, line, reason, message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
          [
            chunk.jobId,
            chunk.invalid.map((r) => r.line),
            chunk.invalid.map((r) => r.reason),
            chunk.invalid.map((r) => r.message.replaceAll('\u0000', '\uFFFD')),
          ],
        );
      }
      await client.query(
        'UPDATE jobs SET entries_line = $2, lines_read = GREATEST(lines_read, $2) WHERE job_id = $1',
        [chunk.jobId, chunk.lastLine],
      );
    },
  );
}

/** COPY of rows already in COPY's text format, into the partition itself (no routing per row). */
async function copyRows(client: PoolClient, table: string, rows: Buffer): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${LOG_ENTRY_COLUMNS.join(', ')}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(rows);
  });
}
