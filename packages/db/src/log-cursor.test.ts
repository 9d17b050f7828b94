import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from './log-cursor.js';

test('a cursor gives back the key it was made from', () => {
  const key = { ts: 1_753_223_621_000, jobId: 'job-1', line: 42 };
  assert.deepEqual(decodeCursor(encodeCursor(key)), key);
  assert.deepEqual(decodeCursor(encodeCursor({ ts: null, jobId: 'j', line: 0 })), {
    ts: null,
    jobId: 'j',
    line: 0,
  });
});

test('anything else is not a cursor', () => {
  for (const text of [
    '',
    'not-base64!',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('[1.5,"j",1]').toString('base64url'),
    Buffer.from('[1,"j",-1]').toString('base64url'),
    Buffer.from('{"a":1}').toString('base64url'),
  ])
    assert.equal(decodeCursor(text), null, text);
});
