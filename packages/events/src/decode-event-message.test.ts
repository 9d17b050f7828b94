import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEventMessage } from './decode-event-message.js';
import { eventMessageSchema } from './event-message.js';

const plain = {
  id: 'e-1',
  userId: 'u1',
  type: 'click',
  payload: { seq: 3 },
  timestamp: 1700000000000,
  kind: 'event',
};

/** Values around the plain-event shape, each a way the hand-written check could disagree with zod. */
const corpus: unknown[] = [
  plain,
  { ...plain, kind: undefined },
  { ...plain, extra: { nested: true } },
  { ...plain, payload: {} },
  { ...plain, payload: { seq: 1, fail: true, other: 'x' } },
  { ...plain, payload: { seq: 0 } },
  { ...plain, payload: { seq: -1 } },
  { ...plain, payload: { seq: 1.5 } },
  { ...plain, payload: { seq: '1' } },
  { ...plain, payload: { seq: 2 ** 60 } },
  { ...plain, payload: { fail: 'yes' } },
  { ...plain, payload: [] },
  { ...plain, payload: null },
  { ...plain, id: '' },
  { ...plain, id: 'a'.repeat(128) },
  { ...plain, id: 'a'.repeat(129) },
  { ...plain, id: 'has space' },
  { ...plain, id: 7 },
  { ...plain, userId: 3 },
  { ...plain, userId: '' },
  { ...plain, type: null },
  { ...plain, timestamp: -1 },
  { ...plain, timestamp: 1.5 },
  { ...plain, timestamp: '1' },
  { ...plain, kind: 'nope' },
  { ...plain, kind: 'crash' },
  { ...plain, kind: 'crash', crash: { projectId: 'shop', message: 'boom' } },
  { ...plain, kind: 'crash', crash: { projectId: 'bad project', message: 'boom' } },
  { ...plain, kind: 'crash.invalid', invalid: { projectId: 'shop', reasons: ['x'] } },
  null,
  [],
  'event',
  42,
];

describe('decodeEventMessage', () => {
  it('accepts and rejects exactly what the envelope schema does', () => {
    for (const value of corpus) {
      const fast = decodeEventMessage(JSON.stringify(value));
      const slow = eventMessageSchema.safeParse(JSON.parse(JSON.stringify(value)));
      assert.equal(fast.ok, slow.success, `disagree on ${JSON.stringify(value)}`);
      if (fast.ok && slow.success) assert.deepEqual(fast.message, slow.data);
    }
  });

  it('gives a message without kind the plain kind', () => {
    const decoded = decodeEventMessage(JSON.stringify({ ...plain, kind: undefined }));
    assert.ok(decoded.ok);
    assert.equal(decoded.message.kind, 'event');
  });

  it('says where a message is wrong', () => {
    const decoded = decodeEventMessage(JSON.stringify({ ...plain, payload: { seq: 0 } }));
    assert.equal(decoded.ok, false);
    assert.match(decoded.ok ? '' : decoded.reason, /^payload\.seq: /);
    const notJson = decodeEventMessage('{"id":');
    assert.match(notJson.ok ? '' : notJson.reason, /^not JSON/);
    const unknownKind = decodeEventMessage(JSON.stringify({ ...plain, kind: 'nope' }));
    assert.match(unknownKind.ok ? '' : unknownKind.reason, /^kind: /);
  });
});
