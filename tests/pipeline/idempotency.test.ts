import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, range, rawProducer, startPipeline, waitForDrain } from './pipeline-fixture.js';

let f: PipelineFixture;
before(async () => {
  f = await startPipeline();
});
after(async () => {
  await f?.close();
});

test('the same event id delivered again, straight to Kafka, changes nothing', async () => {
  const users = [randomName('u'), randomName('u')];
  const events = users.flatMap((userId) =>
    range(1, 10).map((seq) => ({ userId, type: 'idem', payload: { seq } })),
  );
  events.push({ userId: users[0] as string, type: 'idem-noseq', payload: {} as { seq: number } });
  const ids = await f.postAll(events, 50, 1);
  await waitForDrain(f, ids.length);

  const before = await Promise.all(ids.map((id) => f.redis.hgetall(k.event(id))));
  for (const h of before) {
    assert.equal(h.status, 'processed');
    assert.equal(h.attempts, '1');
  }
  const counters = await f.redis.hgetall(k.counters());
  const orders = await Promise.all(users.map((u) => f.redis.lrange(k.order(u), 0, -1)));

  // Re-produce every message exactly as the ingest wrote it (same id), twice, with no headers.
  const producer = await rawProducer(f.kafka);
  const values = before.map((h, i) =>
    JSON.stringify({
      id: ids[i],
      userId: h.userId,
      type: h.type,
      payload: h.seq ? { seq: Number(h.seq) } : {},
      timestamp: Date.now(),
    }),
  );
  for (let round = 0; round < 2; round++) {
    await producer.send({
      topic: f.topic,
      acks: -1,
      messages: values.map((value, i) => ({ key: before[i]?.userId ?? null, value })),
    });
  }
  await producer.disconnect();
  await waitFor('the duplicates to be consumed (lag 0)', async () => (await f.lag()) === 0);

  const afterHashes = await Promise.all(ids.map((id) => f.redis.hgetall(k.event(id))));
  assert.deepEqual(afterHashes, before, 'processedAt, attempts and every other field unchanged');
  assert.deepEqual(await f.redis.hgetall(k.counters()), counters, 'no counter moved');
  assert.deepEqual(await Promise.all(users.map((u) => f.redis.lrange(k.order(u), 0, -1))), orders);
  for (const id of ids) assert.equal(await f.redis.exists(k.dedup(id)), 1, `dedup:${id}`);
  assert.deepEqual(await f.inflightKeys(), []);
});

test('a client retrying with its own eventId gets it processed once', async () => {
  const userId = randomName('u');
  const eventId = randomName('retry');
  const first = await f.post('/events', { eventId, userId, type: 'retry' });
  const second = await f.post('/events', { eventId, userId, type: 'retry' });
  assert.equal(first.status, 202);
  assert.equal(second.status, 202);
  const hash = await waitFor('the event to be finalized', async () => {
    const h = await f.redis.hgetall(k.event(eventId));
    return h.status ? h : undefined;
  });
  await waitFor('lag 0', async () => (await f.lag()) === 0);
  assert.equal(hash.attempts, '1');
  assert.deepEqual(await f.redis.hgetall(k.event(eventId)), hash);
});
