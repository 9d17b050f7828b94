import { z } from 'zod';
import { defineRecord, type RecordOf } from './define-record.js';
import { recordField as f } from './record-fields.js';

/**
 * The hash `crashKeys.event(p, id)`: one stored crash, written once by the consumer's
 * apply-crash.lua and read by the reporter. The crash itself is JSON (the contract's shape,
 * validated when it was received); the other fields place it in its issue.
 */
export const crashRecord = defineRecord({
  name: 'crash',
  identity: 'json',
  headerKey: /^crash:\{[^}]*\}:event:\{[^}]*\}$/,
  schema: z.object({
    json: f.json().pipe(z.record(z.string(), z.unknown())),
    /** Its issue's number. */
    issue: f.int(),
    /** Its number among the issue's crashes, from 1. */
    eventNumber: f.int(),
    /** The ingest's timestamp (ms). */
    receivedAt: f.int(),
  }),
});

export type CrashRecord = RecordOf<typeof crashRecord>;
