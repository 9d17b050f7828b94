import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_PROJECT, projectKeyOf } from './project-key.js';

describe('projectKeyOf', () => {
  it('charges a message to the project the ingest charged it to', () => {
    const cases: [string, Buffer | string | null, string][] = [
      [
        'event with payload.projectId',
        JSON.stringify({ kind: 'event', payload: { projectId: 'web' } }),
        'web',
      ],
      ['crash report', JSON.stringify({ kind: 'crash', payload: {}, crash: { projectId: 'ios' } }), 'ios'],
      [
        'invalid crash',
        JSON.stringify({ kind: 'crash.invalid', payload: {}, invalid: { projectId: 'and' } }),
        'and',
      ],
      ['event without a project', JSON.stringify({ kind: 'event', payload: { seq: 1 } }), NO_PROJECT],
      [
        'payload.projectId not a string',
        JSON.stringify({ kind: 'event', payload: { projectId: 7 } }),
        NO_PROJECT,
      ],
      [
        'payload.projectId not a valid id',
        JSON.stringify({ kind: 'event', payload: { projectId: 'a b' } }),
        NO_PROJECT,
      ],
      [
        'a crash’s payload.projectId does not count',
        JSON.stringify({ kind: 'crash', payload: { projectId: 'x' }, crash: {} }),
        NO_PROJECT,
      ],
      ['not JSON', Buffer.from('{oops'), NO_PROJECT],
      ['JSON null', 'null', NO_PROJECT],
      ['tombstone', null, NO_PROJECT],
    ];
    for (const [what, value, expected] of cases) assert.equal(projectKeyOf(value), expected, what);
  });
});
