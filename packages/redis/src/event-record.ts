import { z } from 'zod';
import { defineRecord, type RecordOf } from './define-record.js';
import { recordField as f } from './record-fields.js';

/**
 * The hash `pipelineKeys.event(id)`: an event's final state, written whole by the consumer
 * (finalize-event.lua, apply-plain-events.lua) and marked `replaying` while the reporter
 * replays its dead letter (replay-dead-letter.lua). No field has a default: the API shows the
 * fields that were written, as they were.
 */
export const eventRecord = defineRecord({
  name: 'event',
  identity: 'status',
  headerKey: /^event:\{[^}]*\}$/,
  schema: z.object({
    status: z.enum(['processed', 'failed', 'replaying']),
    processedAt: f.int(),
    /** Attempts of its last delivery (a replay starts again at 1). */
    attempts: f.int(),
    userId: f.text(),
    type: f.text(),
    /** Only for an event that has a seq. */
    seq: f.int().optional(),
    /** Only for a failed event: `CODE: message`. */
    error: f.text().optional(),
    /**
     * Where its time went (ADR 0019), for an event read from Kafka that is not plain: the Kafka
     * record's timestamp, when this consumer fetched it and when its turn came.
     */
    loggedAt: f.int().optional(),
    readAt: f.int().optional(),
    startedAt: f.int().optional(),
  }),
});

export type EventRecord = RecordOf<typeof eventRecord>;
