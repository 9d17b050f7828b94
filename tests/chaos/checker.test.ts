import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, type Observation, type SentEvent, violations } from './checker.js';

const sent: SentEvent[] = [
  { id: 'a1', userId: 'a', seq: 1, acked: true },
  { id: 'a2', userId: 'a', seq: 2, acked: true },
  { id: 'b1', userId: 'b', seq: 1, acked: true },
  { id: 'b2', userId: 'b', seq: 2, acked: false },
];
const ok = { status: 'processed', attempts: '1' };

function observed(overrides: Partial<Observation> = {}): Observation {
  return {
    states: [ok, ok, ok, null],
    orders: new Map([
      ['a', [1, 2]],
      ['b', [1]],
    ]),
    processedCounter: 3,
    inflightLeft: 0,
    deadLettered: [],
    ...overrides,
  };
}

test('a clean run: every acknowledged event finalized once, in order; an unacknowledged one may be missing', () => {
  const v = check(sent, observed());
  assert.deepEqual(
    {
      sent: v.sent,
      acknowledged: v.acknowledged,
      finalized: v.finalized,
      lost: v.lost,
      duplicated: v.duplicated,
    },
    { sent: 4, acknowledged: 3, finalized: 3, lost: 0, duplicated: 0 },
  );
  assert.deepEqual(violations(v), []);
});

test('an acknowledged event without final state, or missing from its order list, is lost', () => {
  assert.equal(check(sent, observed({ states: [ok, null, ok, null] })).lost, 1);
  const v = check(
    sent,
    observed({
      orders: new Map([
        ['a', [1]],
        ['b', [1]],
      ]),
    }),
  );
  assert.equal(v.lost, 1);
  assert.deepEqual(v.lostSample, ['a2']);
  assert.match(violations(v).join(), /1 acknowledged events lost \(e\.g\. a2\)/);
});

test('a seq twice in an order list, or a counter above the finalized events, is a duplicate', () => {
  assert.equal(
    check(
      sent,
      observed({
        orders: new Map([
          ['a', [1, 2, 2]],
          ['b', [1]],
        ]),
      }),
    ).duplicated,
    1,
  );
  assert.equal(check(sent, observed({ processedCounter: 5 })).duplicated, 2);
  assert.equal(
    check(sent, observed({ processedCounter: null })).duplicated,
    0,
    'no counter, no counter rule',
  );
});

test('an order list that goes back is a violation; so are retried attempts, inflight keys and dead letters', () => {
  const v = check(
    sent,
    observed({
      orders: new Map([
        ['a', [2, 1]],
        ['b', [1]],
      ]),
      states: [ok, { status: 'processed', attempts: '2' }, ok, null],
      inflightLeft: 2,
      deadLettered: ['b2', 'b2'],
    }),
  );
  assert.equal(v.orderViolations, 1);
  assert.equal(v.wrongAttempts, 1);
  assert.equal(v.dlqDuplicates, 1);
  assert.equal(v.deadLettered, 1);
  assert.equal(violations(v).length, 5);
});

test('a run that acknowledged nothing fails: it proves nothing', () => {
  const none = sent.map((e) => ({ ...e, acked: false }));
  assert.match(violations(check(none, observed())).join(), /no event was acknowledged/);
});
