import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventMessageSchema } from '@evh/events';
import { NO_PROJECT, projectKeyOf } from './project-key.js';

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
        JSON.stringify({ ...base, kind: 'crash', payload: {}, crash: { projectId: 'ios' } }),
        'ios',
      ],
      [
        'invalid crash',
        JSON.stringify({ ...base, kind: 'crash.invalid', payload: {}, invalid: { projectId: 'and' } }),
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
        JSON.stringify({ ...base, kind: 'crash', payload: { projectId: 'x' }, crash: {} }),
        NO_PROJECT,
      ],
      ['not JSON', Buffer.from('{oops'), NO_PROJECT],
      ['JSON null', 'null', NO_PROJECT],
      ['tombstone', null, NO_PROJECT],
    ];
    for (const [what, value, expected] of cases) assert.equal(keyOf(value), expected, what);
  });
});
