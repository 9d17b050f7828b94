import { z } from 'zod';
import { defineRecord, type RecordOf } from './define-record.js';
import { recordField as f } from './record-fields.js';

/**
 * The hash `pipelineKeys.dlq(id)`: a dead-lettered event, written by the consumer's
 * finalize-event.lua each time the event dies, and moved through its replay by the reporter
 * (replay-dead-letter.lua) and the consumer again. The replay fields exist once it was
 * replayed; a letter from before replays has no state, which means `dead`.
 */
export const deadLetterRecord = defineRecord({
  name: 'dead letter',
  headerKey: /^dlq:\{[^}]*\}$/,
  schema: z.object({
    /** Over every replay. */
    attempts: f.int(),
    /** `CODE: message` of its last failure. */
    error: f.text(),
    queuedAt: f.int(),
    userId: f.text(),
    /** The original event JSON, produced again by a replay. */
    event: f.text(),
    state: z.enum(['dead', 'replaying', 'replayed']).optional(),
    replays: f.int().optional(),
    replayedAt: f.int().optional(),
    replayProcessedAt: f.int().optional(),
  }),
});

export type DeadLetterRecord = RecordOf<typeof deadLetterRecord>;
