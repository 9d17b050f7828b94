import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventMessageSchema } from '@evh/events';
import { costOf, NO_PROJECT, projectKeyOf } from './project-key.js';

/** As the consumer decodes a value: a value that is not an event has no project. */
function keyOf(value: Buffer | string | null): string {
  try {
    const parsed = eventMessageSchema.safeParse(JSON.parse(value?.toString() ?? ''));
    return parsed.success ? projectKeyOf(parsed.data) : NO_PROJECT;
  } catch {
    return NO_PROJECT;
  }
}

const base = { id: 'e1', userId: 'u', type: 't', timestamp: 1 };

/** The summary of an upload's chunk of `lines` valid lines. */
const chunk = (projectId: string | null, lines: number) => ({
  jobId: '4b0a6a53-3a8e-4b5b-9b8e-2f1f4a0c9d11',
  projectId,
  firstLine: 1,
  lastLine: lines,
  lines,
  startOffset: 0,
  endOffset: lines * 100,
  statuses: [['ok', lines]],
  services: [],
  users: [],
  hours: [],
});

describe('projectKeyOf', () => {
  it('charges a message to the project the ingest charged it to', () => {
    const cases: [string, Buffer | string | null, string][] = [
      [
        'event with payload.projectId',
        JSON.stringify({ ...base, kind: 'event', payload: { projectId: 'web' } }),
        'web',
      ],
      [
        'crash report',
        JSON.stringify({ ...base, kind: 'crash', payload: {}, crash: { projectId: 'ios', message: 'boom' } }),
        'ios',
      ],
      [
        'invalid crash',
        JSON.stringify({
          ...base,
          kind: 'crash.invalid',
          payload: {},
          invalid: { projectId: 'and', reasons: [] },
        }),
        'and',
      ],
      [
        'line of an uploaded file',
        JSON.stringify({ ...base, kind: 'log', payload: {}, log: { projectId: 'payments' } }),
        'payments',
      ],
      [
        'line of an upload without a project',
        JSON.stringify({ ...base, kind: 'log', payload: {}, log: { projectId: null } }),
        NO_PROJECT,
      ],
      [
        'chunk of an uploaded file',
        JSON.stringify({
          ...base,
          kind: 'log.chunk',
          payload: {},
          chunk: chunk('payments', 10),
        }),
        'payments',
      ],
      [
        'event without a project',
        JSON.stringify({ ...base, kind: 'event', payload: { seq: 1 } }),
        NO_PROJECT,
      ],
      [
        'payload.projectId not a string',
        JSON.stringify({ ...base, kind: 'event', payload: { projectId: 7 } }),
        NO_PROJECT,
      ],
      [
        'payload.projectId not a valid id',
        JSON.stringify({ ...base, kind: 'event', payload: { projectId: 'a b' } }),
        NO_PROJECT,
      ],
      [
        'a crash’s payload.projectId does not count',
        JSON.stringify({
          ...base,
          kind: 'crash',
          payload: { projectId: 'x' },
          crash: { projectId: 'ios', message: 'boom' },
        }),
        'ios',
      ],
      ['not JSON', Buffer.from('{oops'), NO_PROJECT],
      ['JSON null', 'null', NO_PROJECT],
      ['tombstone', null, NO_PROJECT],
    ];
    for (const [what, value, expected] of cases) assert.equal(keyOf(value), expected, what);
  });
});

describe('costOf', () => {
  it('charges a log chunk its lines and anything else one', () => {
    const message = (value: object) => eventMessageSchema.parse({ ...base, payload: {}, ...value });
    assert.equal(costOf(message({ kind: 'log.chunk', chunk: chunk('payments', 5000) })), 5000);
    assert.equal(costOf(message({ kind: 'event' })), 1);
    assert.equal(costOf(message({ kind: 'crash', crash: { projectId: 'ios', message: 'boom' } })), 1);
  });
});
