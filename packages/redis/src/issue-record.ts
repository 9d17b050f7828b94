import { z } from 'zod';
import type { IssueStatus } from './crash-keys.js';
import { defineRecord, type RecordOf } from './define-record.js';
import { recordField as f } from './record-fields.js';

/** A crash's severity as the contract has it (@evh/events severitySchema), in rank order. */
export const CRASH_SEVERITIES = ['error', 'warning', 'info'] as const;

/**
 * The hash `crashKeys.issue(p, n)`: one issue, the crashes of one fingerprint. The consumer's
 * apply-crash.lua creates and updates it; the reporter changes its status
 * (set-issue-status.lua) and title. The defaults are an issue's values at its creation.
 */
export const issueRecord = defineRecord({
  name: 'issue',
  identity: 'number',
  headerKey: /^crash:\{[^}]*\}:issue:\{[^}]*\}$/,
  schema: z.object({
    number: f.int(),
    fingerprint: f.text().default(''),
    title: f.text().default(''),
    /** Set once the title was edited through the API. */
    titleEdited: f.flag().optional(),
    culprit: f.text().default(''),
    /** The highest severity of its crashes. */
    severity: z.enum(CRASH_SEVERITIES).default('error'),
    status: z.enum(['open', 'resolved', 'ignored'] as const satisfies readonly IssueStatus[]).default('open'),
    statusChangedAt: f.int().optional(),
    /** When a crash made a resolved issue open again. */
    reopenedAt: f.int().optional(),
    count: f.int().default(0),
    firstSeen: f.int().default(0),
    lastSeen: f.int().default(0),
  }),
});

export type IssueRecord = RecordOf<typeof issueRecord>;
