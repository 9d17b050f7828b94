import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Stamps, stagesOf, tailAndTypical } from './fairness-stages.js';

const stamp = (queue: number, work = 20): Stamps => ({
  receivedAt: 1000,
  loggedAt: 1002,
  readAt: 1005,
  startedAt: 1005 + queue,
  processedAt: 1005 + queue + work,
});

test('each stage is the time between two stamps', () => {
  assert.deepEqual(stagesOf(stamp(4)), { produce: 2, kafka: 3, queue: 4, work: 20 });
});

test('the tail is the slowest share, set beside the middle fifth', () => {
  // 99 events queue 1 ms, one queues 50 ms: the tail is that one, and its queue is the difference.
  const rows = [...Array.from({ length: 99 }, () => stamp(1)), stamp(50)];
  const { tail, typical } = tailAndTypical(rows);
  assert.equal(tail.n, 1);
  assert.equal(tail.stages.queue, 50);
  assert.equal(tail.total, 75);
  assert.equal(typical.n, 20);
  assert.equal(typical.stages.queue, 1);
  assert.equal(typical.stages.work, 20);
});

test('a handful of events still has a tail of one and a middle of one', () => {
  const { tail, typical } = tailAndTypical([stamp(1), stamp(9), stamp(3)]);
  assert.equal(tail.stages.queue, 9);
  assert.equal(typical.n, 1);
  assert.equal(typical.stages.queue, 3);
});
