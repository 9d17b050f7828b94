import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineKeys as k } from '@evh/redis';
import { randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, range, startPipeline, waitForDrain } from './pipeline-fixture.js';

describe('strict seq order per user, whatever the arrival order', () => {
  let f: PipelineFixture;
  before(async () => {
    f = await startPipeline();
  });
  after(async () => {
    await f?.close();
  });

  test('evens first, odds a second later → order:{user} is 1..100 for each user', async () => {
    const users = range(1, 5).map(() => randomName('ord'));
    const evens = users.flatMap((userId) =>
      range(1, 100)
        .filter((s) => s % 2 === 0)
        .map((seq) => ({ userId, type: 'ord', payload: { seq } })),
    );
    const odds = users.flatMap((userId) =>
      range(1, 100)
        .filter((s) => s % 2 === 1)
        .map((seq) => ({ userId, type: 'ord', payload: { seq } })),
    );
    const first = await f.postAll(evens, 250, 1);
    // The evens wait in the buffer: nothing of these users is processed yet.
    await waitFor('the evens to be buffered', async () => (await f.lag()) === 0);
    assert.equal(await f.processedCount(), 0);
    await sleep(1000);
    const second = await f.postAll(odds, 250, 1);
    await waitForDrain(f, first.length + second.length);
    for (const u of users) {
      assert.deepEqual((await f.redis.lrange(k.order(u), 0, -1)).map(Number), range(1, 100), u);
    }
    assert.deepEqual(await f.inflightKeys(), []);
  });
});

describe('a gap that stays open is skipped after ORDER_GAP_TIMEOUT_MS', () => {
  let f: PipelineFixture;
  before(async () => {
    f = await startPipeline({ ORDER_GAP_TIMEOUT_MS: '800', SWEEP_INTERVAL_MS: '100' });
  });
  after(async () => {
    await f?.close();
  });

  test('seq 3 never comes: 1,2,4,5 are processed in order and the skip is counted; a late 3 is still processed', async () => {
    const userId = randomName('gap');
    const ids = await f.postAll(
      [1, 2, 4, 5].map((seq) => ({ userId, type: 'gap', payload: { seq } })),
      10,
      1,
    );
    await waitForDrain(f, ids.length, 15_000);
    assert.deepEqual((await f.redis.lrange(k.order(userId), 0, -1)).map(Number), [1, 2, 4, 5]);
    const counters = await f.redis.hgetall(k.counters());
    assert.equal(counters.gapsSkipped, '1');
    assert.equal(counters.seqsSkipped, '1');

    const late = await f.post('/events', { userId, type: 'gap', payload: { seq: 3 } });
    assert.equal(late.status, 202);
    const hash = await waitFor('the late event to be finalized', async () => {
      const h = await f.redis.hgetall(k.event(late.json.eventId));
      return h.status ? h : undefined;
    });
    assert.equal(hash.status, 'processed');
    assert.deepEqual((await f.redis.lrange(k.order(userId), 0, -1)).map(Number), [1, 2, 4, 5]);
    assert.equal(await f.redis.hget(k.counters(), 'late'), '1');
  });
});
