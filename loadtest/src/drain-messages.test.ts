import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainMessages, eventsPerUser } from './drain-messages.js';

test('each user’s seqs count 1, 2, 3… in production order, keyed by the user', () => {
  let n = 0;
  const messages = drainMessages({ events: 7, users: 3, now: 1000, newId: () => `id-${n++}` });
  const seqs = new Map<string, number[]>();
  for (const m of messages) {
    const value = JSON.parse(m.value) as { userId: string; payload: { seq: number } };
    assert.equal(m.key, value.userId);
    seqs.set(value.userId, [...(seqs.get(value.userId) ?? []), value.payload.seq]);
  }
  assert.deepEqual(Object.fromEntries(seqs), {
    'drain-user-0': [1, 2, 3],
    'drain-user-1': [1, 2],
    'drain-user-2': [1, 2],
  });
  assert.deepEqual(Object.fromEntries(eventsPerUser(7, 3)), {
    'drain-user-0': 3,
    'drain-user-1': 2,
    'drain-user-2': 2,
  });
});

test('the value is the ingest’s plain event, field for field', () => {
  const [m] = drainMessages({ events: 1, users: 1, now: 1234, newId: () => 'e-1' });
  assert.deepEqual(JSON.parse(m?.value ?? '{}'), {
    id: 'e-1',
    userId: 'drain-user-0',
    type: 'drain',
    payload: { seq: 1 },
    timestamp: 1234,
    kind: 'event',
  });
  assert.deepEqual(m?.headers, {});
});

test('ids are unique by default', () => {
  const ids = drainMessages({ events: 1000, users: 10, now: 0 }).map(
    (m) => (JSON.parse(m.value) as { id: string }).id,
  );
  assert.equal(new Set(ids).size, 1000);
});

type Build = (input: unknown, id: string, now: number) => unknown;

/**
 * The function that turns a client's event into a message: @evh/events' plainEventMessage,
 * or, before that existed, the ingest's own toEventMessage (loaded from the build by path).
 */
async function ingestBuilder(): Promise<Build> {
  const events = (await import('@evh/events')) as Record<string, unknown>;
  if (typeof events.plainEventMessage === 'function') return events.plainEventMessage as Build;
  // From loadtest/dist/src/ to the repository's root.
  const url = new URL('../../../services/ingest/dist/src/event-publisher.js', import.meta.url);
  const ingest = (await import(url.href)) as Record<string, unknown>;
  if (typeof ingest.toEventMessage === 'function') return ingest.toEventMessage as Build;
  throw new Error(
    'no plainEventMessage in @evh/events nor toEventMessage in the ingest: which builds events now?',
  );
}

test('the value is what the platform itself builds for the same event', async () => {
  const build = await ingestBuilder();
  const [m] = drainMessages({ events: 1, users: 1, now: 1234, newId: () => 'e-1' });
  const ours = JSON.parse(m?.value ?? '{}') as { userId: string; type: string; payload: unknown };
  const theirs = build({ userId: ours.userId, type: ours.type, payload: ours.payload }, 'e-1', 1234);
  assert.equal(m?.value, JSON.stringify(theirs));
});
