import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { freePort, randomName, testEnv, waitFor } from '@evh/testing';
import { createBatchingProducer, type KafkaProducer } from '../src/index.js';
import {
  type Admin,
  type Consumer,
  consumerLag,
  createKafka,
  ensureTopics,
  type Message,
  type Producer,
  producerFrom,
} from '../src/kafkajs.js';

const env = testEnv();
const logger = createLogger('kafka-test', 'silent');
const kafka = createKafka({ clientId: randomName('evh-kafka-test'), brokers: env.kafkaBrokers, logger });

let admin: Admin;
const topics: string[] = [];
const groups: string[] = [];
const clients: (Producer | Consumer)[] = [];

before(async () => {
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await Promise.allSettled(clients.map((c) => c.disconnect()));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => {});
  await admin.disconnect();
});

async function newTopic(numPartitions: number): Promise<string> {
  const topic = randomName('evh-test-kafka');
  topics.push(topic);
  await ensureTopics(admin, [{ topic, numPartitions }]);
  return topic;
}

async function connectedProducer(): Promise<Producer> {
  const producer = kafka.producer();
  clients.push(producer);
  await producer.connect();
  return producer;
}

/** Total messages the broker holds for a topic (high watermarks summed). */
async function messagesIn(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Reads a topic from the beginning with a new group until `count` messages arrived. */
async function consumeAll(topic: string, count: number): Promise<Map<string, string>> {
  const groupId = randomName('evh-test-read');
  groups.push(groupId);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  clients.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = new Map<string, string>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.set(String(message.key), String(message.value));
    },
  });
  await waitFor(`${count} messages read back from ${topic}`, () => received.size >= count || undefined, {
    timeoutMs: 30_000,
  });
  await consumer.disconnect();
  return received;
}

function isCoded(code: string) {
  return (err: unknown) => {
    const e = err as { code?: string; status?: number; retriable?: boolean };
    assert.equal(e.code, code, `expected ${code}, got ${String(err)}`);
    assert.equal(e.status, 503);
    assert.equal(e.retriable, true);
    return true;
  };
}

describe('ensureTopics', () => {
  it('creates a missing topic with its partitions, and a second call leaves it as it is', async () => {
    const topic = randomName('evh-test-kafka');
    const other = randomName('evh-test-kafka');
    topics.push(topic, other);

    await ensureTopics(admin, [{ topic, numPartitions: 3 }]);
    const created = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(created.topics[0]?.partitions.length, 3);
    for (const p of created.topics[0]?.partitions ?? [])
      assert.ok(p.leader >= 0, `partition ${p.partitionId}`);

    // Idempotent: the existing topic keeps its 3 partitions, only the missing one is created.
    await ensureTopics(admin, [
      { topic, numPartitions: 5 },
      { topic: other, numPartitions: 2 },
    ]);
    await ensureTopics(admin, [
      { topic, numPartitions: 5 },
      { topic: other, numPartitions: 2 },
    ]);
    const again = await admin.fetchTopicMetadata({ topics: [topic, other] });
    const partitions = Object.fromEntries(again.topics.map((t) => [t.name, t.partitions.length]));
    assert.deepEqual(partitions, { [topic]: 3, [other]: 2 });
  });
});

describe('createBatchingProducer', () => {
  it('resolves concurrent sends once the broker has them, and they read back with their keys and values', async () => {
    const topic = await newTopic(3);
    const producer = await connectedProducer();
    const batchSizes: number[] = [];
    const ours = producerFrom(producer);
    const counting: KafkaProducer = {
      ...ours,
      sendBatch: (batches) => {
        batchSizes.push(batches.reduce((n, t) => n + t.messages.length, 0));
        return ours.sendBatch(batches);
      },
    };
    const batching = createBatchingProducer(counting, {
      lingerMs: 5,
      maxBatchMessages: 1000,
      sendTimeoutMs: 10_000,
    });
    const sent = new Map(Array.from({ length: 60 }, (_, i) => [`key-${i}`, `value-${i}`]));

    const sends = [...sent].map(([key, value]) => batching.send(topic, [{ key, value }]));
    assert.equal(batching.inFlight, 60, 'the writes should wait for the linger, not go one by one');
    await Promise.all(sends);

    // Acknowledged means the broker already has every message, with no waiting.
    assert.equal(await messagesIn(topic), 60);
    assert.equal(batching.inFlight, 0);
    assert.equal(
      batchSizes.reduce((a, b) => a + b, 0),
      60,
    );
    assert.ok(
      batchSizes.length < 60,
      `${batchSizes.length} sendBatch calls for 60 sends: nothing was batched`,
    );

    const received = await consumeAll(topic, 60);
    assert.deepEqual(new Map([...received].sort()), new Map([...sent].sort()));
    await batching.close();
  });

  it('sendWhenIdle: with nothing in flight the turn’s writes go together at once; behind a batch in flight they go at its acknowledgement or at the linger, whichever is first', async () => {
    const topic = await newTopic(1);
    const ours = producerFrom(await connectedProducer());
    const calls: { at: number; size: number }[] = [];
    let gate: Promise<void> = Promise.resolve();
    const counting: KafkaProducer = {
      ...ours,
      sendBatch: async (batches) => {
        calls.push({ at: Date.now(), size: batches.reduce((n, t) => n + t.messages.length, 0) });
        await gate;
        return ours.sendBatch(batches);
      },
    };
    const batching = createBatchingProducer(counting, {
      lingerMs: 300,
      maxBatchMessages: 1000,
      sendTimeoutMs: 10_000,
      sendWhenIdle: true,
    });
    const started = Date.now();
    await Promise.all([0, 1, 2].map((i) => batching.send(topic, [{ value: `now-${i}` }])));
    assert.deepEqual(
      calls.map((c) => c.size),
      [3],
      'the three writes of one turn are one batch',
    );
    assert.ok(Date.now() - started < 250, `idle writes waited ${Date.now() - started} ms: the linger`);

    const hold = () => {
      let open = () => {};
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => open();
    };
    const turn = () => new Promise((r) => setImmediate(r));

    // Acknowledged before the linger: the writes behind it go then, together.
    let release = hold();
    const first = batching.send(topic, [{ value: 'held' }]);
    await turn();
    const behind = [0, 1].map((i) => batching.send(topic, [{ value: `behind-${i}` }]));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(calls.length, 2, 'a write behind a batch in flight went before its acknowledgement');
    const releasedAt = Date.now();
    gate = Promise.resolve();
    release();
    await Promise.all([first, ...behind]);
    assert.equal(calls.length, 3);
    assert.equal(calls[2]?.size, 2, 'the writes gathered behind the batch are one batch');
    const after = (calls[2]?.at ?? 0) - releasedAt;
    assert.ok(after < 150, `the writes behind went ${after} ms after the acknowledgement, not at it`);

    // Held past the linger: the writes behind it go at the linger, the batch still in flight.
    release = hold();
    const slow = batching.send(topic, [{ value: 'slow' }]);
    await turn();
    const queuedAt = Date.now();
    const lingering = batching.send(topic, [{ value: 'lingers' }]);
    await waitFor('the linger’s batch', async () => calls.length === 5, { timeoutMs: 5_000, intervalMs: 10 });
    const waited = (calls[4]?.at ?? 0) - queuedAt;
    assert.ok(waited >= 290, `the write behind a slow batch went after ${waited} ms, before the linger`);
    release();
    await Promise.all([slow, lingering]);
    assert.equal(await messagesIn(topic), 8);
    await batching.close();
  });

  it('sends a batch at once when it reaches maxBatchMessages, and the rest after the linger', async () => {
    const topic = await newTopic(1);
    const producer = await connectedProducer();
    const batchSizes: number[] = [];
    const ours = producerFrom(producer);
    const counting: KafkaProducer = {
      ...ours,
      sendBatch: (batches) => {
        batchSizes.push(batches.reduce((n, t) => n + t.messages.length, 0));
        return ours.sendBatch(batches);
      },
    };
    const batching = createBatchingProducer(counting, {
      lingerMs: 20,
      maxBatchMessages: 10,
      sendTimeoutMs: 10_000,
    });

    const sends = Array.from({ length: 25 }, (_, i) => batching.send(topic, [{ value: `v${i}` }]));
    assert.deepEqual(batchSizes, [10, 10], 'full batches go without waiting for the linger');
    await Promise.all(sends);
    assert.deepEqual(batchSizes, [10, 10, 5]);
    assert.equal(await messagesIn(topic), 25);
    await batching.close();
  });

  it('close() sends what is queued, then refuses new writes with KAFKA_CLOSING', async () => {
    const topic = await newTopic(1);
    const producer = await connectedProducer();
    // A linger far longer than the test: only close() can send these.
    const batching = createBatchingProducer(producerFrom(producer), {
      lingerMs: 120_000,
      maxBatchMessages: 1000,
      sendTimeoutMs: 10_000,
    });
    const acknowledged: number[] = [];
    const sends = Array.from({ length: 5 }, (_, i) =>
      batching.send(topic, [{ key: `k${i}`, value: `v${i}` }]).then(() => void acknowledged.push(i)),
    );
    assert.equal(batching.inFlight, 5);
    assert.equal(await messagesIn(topic), 0, 'nothing is sent before the linger or close');

    const started = Date.now();
    await batching.close();

    assert.ok(Date.now() - started < 10_000, 'close waited for the linger instead of flushing');
    assert.deepEqual(acknowledged.sort(), [0, 1, 2, 3, 4], 'close resolved before the queued writes did');
    assert.equal(await messagesIn(topic), 5);
    await Promise.all(sends);
    assert.equal(batching.inFlight, 0);

    await assert.rejects(batching.send(topic, [{ value: 'too late' }]), isCoded('KAFKA_CLOSING'));
    assert.equal(await messagesIn(topic), 5);
  });

  it('rejects with KAFKA_UNAVAILABLE within sendTimeoutMs when the broker is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const unreachable = createKafka({
      clientId: randomName('evh-kafka-test-down'),
      brokers: [`127.0.0.1:${port}`],
      logger,
      config: { retry: { retries: 0 }, connectionTimeout: 300 },
    });
    const producer = unreachable.producer();
    clients.push(producer);
    await assert.rejects(producer.connect());
    const sendTimeoutMs = 1_500;
    const batching = createBatchingProducer(producerFrom(producer), {
      lingerMs: 5,
      maxBatchMessages: 100,
      sendTimeoutMs,
    });

    const started = Date.now();
    await assert.rejects(
      batching.send(randomName('evh-test-kafka'), [{ key: 'k', value: 'v' }]),
      (err: unknown) => {
        isCoded('KAFKA_UNAVAILABLE')(err);
        assert.match((err as Error).message, /kafka did not acknowledge the write/);
        assert.ok((err as Error).cause instanceof Error, 'the kafkajs error is kept as the cause');
        return true;
      },
    );
    const ms = Date.now() - started;
    assert.ok(ms < sendTimeoutMs + 500, `rejected after ${ms} ms, sendTimeoutMs is ${sendTimeoutMs}`);
    assert.equal(batching.inFlight, 0);
    await batching.close();
  });

  it('rejects with KAFKA_UNAVAILABLE when a connected broker does not acknowledge within sendTimeoutMs', async () => {
    // Its own client, retrying for several seconds, so the write outlives the timeout.
    const retrying = createKafka({
      clientId: randomName('evh-kafka-test-slow'),
      brokers: env.kafkaBrokers,
      logger,
      config: { retry: { initialRetryTime: 100, maxRetryTime: 400, retries: 20 } },
    });
    const producer = retrying.producer();
    clients.push(producer);
    await producer.connect();
    const sendTimeoutMs = 400;
    const batching = createBatchingProducer(producerFrom(producer), {
      lingerMs: 5,
      maxBatchMessages: 100,
      sendTimeoutMs,
    });

    // The topic does not exist yet and the broker does not create topics: kafkajs retries the
    // metadata, so no acknowledgement can come within the timeout.
    const topic = randomName('evh-test-kafka');
    topics.push(topic);
    const started = Date.now();
    await assert.rejects(batching.send(topic, [{ value: 'late write' }]), (err: unknown) => {
      isCoded('KAFKA_UNAVAILABLE')(err);
      assert.match((err as Error).message, new RegExp(`no acknowledgement within ${sendTimeoutMs} ms`));
      return true;
    });
    const ms = Date.now() - started;
    assert.ok(ms >= sendTimeoutMs - 5 && ms < sendTimeoutMs + 1_000, `rejected after ${ms} ms`);
    await batching.close();

    // The timeout does not cancel the kafkajs write: once the topic exists it still lands,
    // which is why KAFKA_UNAVAILABLE means "may be retried" (and consumers dedupe by id).
    // Letting it finish also stops kafkajs from retrying after the producer is disconnected.
    await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
    await waitFor('the timed-out write to land', async () => (await messagesIn(topic)) === 1, {
      timeoutMs: 10_000,
    });
  });
});

describe('consumerLag', () => {
  it('counts a group that never committed from the first retained offset, and 0 once it committed everything', async () => {
    const topic = await newTopic(3);
    const producer = await connectedProducer();
    const messages: Message[] = Array.from({ length: 30 }, (_, i) => ({
      partition: i % 3,
      key: `k${i}`,
      value: `v${i}`,
    }));
    await producer.send({ topic, acks: -1, messages });
    const groupId = randomName('evh-test-lag');
    groups.push(groupId);

    const fresh = await consumerLag(admin, groupId, topic);
    assert.deepEqual(fresh, {
      topic,
      groupId,
      total: 30,
      partitions: [0, 1, 2].map((partition) => ({ partition, end: 10, committed: null, lag: 10 })),
    });

    // Records deleted below offset 4 on partition 0 are not owed by anyone.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
    const trimmed = await consumerLag(admin, groupId, topic);
    assert.deepEqual(
      trimmed.partitions.map((p) => p.lag),
      [6, 10, 10],
    );
    assert.equal(trimmed.total, 26);

    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let consumed = 0;
    await consumer.run({
      eachMessage: async () => {
        consumed++;
      },
    });
    const caughtUp = await waitFor(
      'the group to commit everything',
      async () => {
        const lag = await consumerLag(admin, groupId, topic);
        return lag.total === 0 && lag.partitions.every((p) => p.committed === 10) ? lag : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      caughtUp.partitions,
      [0, 1, 2].map((partition) => ({ partition, end: 10, committed: 10, lag: 0 })),
    );
    assert.equal(consumed, 26);
    await consumer.disconnect();

    // With the group stopped, new messages are lag again, counted from the committed offsets.
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { partition: 1, value: 'a' },
        { partition: 1, value: 'b' },
      ],
    });
    const behind = await consumerLag(admin, groupId, topic);
    assert.deepEqual(
      behind.partitions.map((p) => [p.committed, p.lag]),
      [
        [10, 0],
        [10, 2],
        [10, 0],
      ],
    );
    assert.equal(behind.total, 2);
  });
});
