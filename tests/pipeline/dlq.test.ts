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

test('seq 7 failing → retried 3 times, one DLQ entry per user, order 1..6,8..20', async () => {
  const users = range(1, 4).map(() => randomName('dlq'));
  const events = users.flatMap((userId) =>
    range(1, 20).map((seq) => ({ userId, type: 'dlq', payload: seq === 7 ? { seq, fail: true } : { seq } })),
  );
  const ids = await f.postAll(events, 80, 1);
  const failedIds = ids.filter((_, i) => i % 20 === 6);
  await waitForDrain(f, ids.length - failedIds.length);
  await waitFor('every failure finalized', async () => (await f.redis.llen(k.dlqList())) >= users.length);

  const expectedOrder = [...range(1, 6), ...range(8, 20)];
  for (const u of users) {
    assert.deepEqual((await f.redis.lrange(k.order(u), 0, -1)).map(Number), expectedOrder, u);
  }
  const dlqIds = await f.redis.lrange(k.dlqList(), 0, -1);
  assert.deepEqual([...dlqIds].sort(), [...failedIds].sort(), 'exactly one DLQ entry per failing event');
  for (const id of failedIds) {
    const hash = await f.redis.hgetall(k.event(id));
    assert.equal(hash.status, 'failed');
    assert.ok(Number(hash.attempts) >= 3, `attempts ${hash.attempts}`);
    assert.match(hash.error ?? '', /PROCESSING_FAILED/);
    const dlq = await f.redis.hgetall(k.dlq(id));
    assert.equal(dlq.attempts, hash.attempts);
    assert.ok(Number(dlq.queuedAt) > 0);
    assert.equal(JSON.parse(dlq.event ?? '{}').id, id);
  }

  // Each failure also went to the dead-letter topic, with the original event inside.
  const seen = new Set<string>();
  const consumer = f.kafka.consumer({ groupId: randomName('dlq-reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: f.dlqTopic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const letter = JSON.parse(message.value?.toString() ?? '{}');
      if (letter.event?.id === letter.id) seen.add(letter.id);
    },
  });
  try {
    await waitFor('every failure on the DLQ topic', () => seen.size === failedIds.length);
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(await f.inflightKeys(), []);
});

test('a message that is not an event is dead-lettered once, not retried, and does not block', async () => {
  const producer = await rawProducer(f.kafka);
  const userId = randomName('poison');
  const before = await f.redis.llen(k.dlqList());
  await producer.send({
    topic: f.topic,
    acks: -1,
    messages: [
      { key: userId, value: '{not json' },
      { key: userId, value: JSON.stringify({ id: 'poison-1', userId }) },
    ],
  });
  await producer.disconnect();
  const ok = await f.post('/events', { userId, type: 'after-poison' });
  await waitFor('the event after the poison to be processed', async () => {
    return (await f.redis.hget(k.event(ok.json.eventId), 'status')) === 'processed';
  });
  await waitFor('lag 0', async () => (await f.lag()) === 0);
  assert.equal(await f.redis.llen(k.dlqList()), before + 2);
  const poison = await f.redis.hgetall(k.event('poison-1'));
  assert.equal(poison.status, 'failed');
  assert.equal(poison.attempts, '1');
  assert.match(poison.error ?? '', /INVALID_MESSAGE/);
});
