import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@evh/lifecycle';
import { randomName, testEnv, waitFor } from '@evh/testing';
import {
  type BatchContext,
  createKafkaClient,
  type GroupConsumer,
  type KafkaAdmin,
  partitionOf,
} from '../src/index.js';

// Our interfaces on the real broker: what the services rely on, whatever client is under them.
const env = testEnv();
const logger = createLogger('kafka-client-test', 'silent');
const kafka = createKafkaClient({
  clientId: randomName('evh-kafka-client'),
  brokers: env.kafkaBrokers,
  logger,
});
const topic = randomName('evh-test-client');
const groupId = randomName('evh-test-client');
let admin: KafkaAdmin;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([{ topic, numPartitions: 3 }]);
});

after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await admin.disconnect();
});

it('the admin answers partition counts, the broker count and a never-committed lag', async () => {
  const missing = randomName('evh-test-client-missing');
  const counts = await admin.partitionCounts([topic]);
  assert.equal(counts.get(topic), 3);
  assert.equal(counts.has(missing), false);
  assert.ok((await admin.brokerCount()) >= 1);
  // ensureTopics again leaves the topic as it is.
  await admin.ensureTopics([{ topic, numPartitions: 5 }]);
  assert.equal((await admin.partitionCounts([topic])).get(topic), 3);
});

it('a producer’s messages reach a group consumer on their key’s partition; its commits show in the lag', async () => {
  const producer = kafka.producer();
  await producer.connect();
  closers.push(() => producer.disconnect());
  const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
  await producer.send(
    topic,
    keys.map((key) => ({ key, value: `v-${key}`, headers: { 'event-id': key } })),
  );
  await producer.sendBatch([{ topic, messages: [{ key: 'user-x', value: 'batched' }] }]);
  // On a broker just started, the group's coordinator may still be loading: ask until it answers.
  const lagBefore = await waitFor('the group coordinator', () => admin.consumerLag(groupId, topic), {
    timeoutMs: 30_000,
  });
  assert.equal(lagBefore.total, 13, 'nothing committed: all 13 lag');

  const consumer: GroupConsumer = kafka.consumer({
    groupId,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
    maxWaitTimeMs: 100,
  });
  closers.push(() => consumer.disconnect());
  const assignments: Record<string, number[]>[] = [];
  consumer.onGroupJoin((assignment) => assignments.push({ ...assignment }));
  const crashes: Error[] = [];
  consumer.onCrash((error) => crashes.push(error));
  const control = consumer.partitions(topic);
  const seen = new Map<string, { partition: number; value: string; header: string }>();
  const eachBatch = async ({ batch, resolveOffset }: BatchContext) => {
    for (const m of batch.messages) {
      seen.set(String(m.key), {
        partition: batch.partition,
        value: String(m.value),
        header: String(m.headers?.['event-id'] ?? ''),
      });
      resolveOffset(m.offset);
    }
    if (batch.messages.length > 0) {
      await control.commit([{ partition: batch.partition, offset: `${BigInt(batch.lastOffset()) + 1n}` }]);
    }
  };
  const running = await consumer.run({
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: 3,
    eachBatch,
    logger,
  });
  closers.push(async () => running.stop());

  await waitFor('13 messages read', () => seen.size === 13 || undefined, { timeoutMs: 30_000 });
  for (const key of keys) {
    assert.deepEqual(seen.get(key), { partition: partitionOf(key, 3), value: `v-${key}`, header: key }, key);
  }
  assert.deepEqual(
    [...(assignments.at(-1)?.[topic] ?? [])].sort(),
    [0, 1, 2],
    'the only member got every partition',
  );
  const lag = await waitFor('the commits to show', async () => {
    const l = await admin.consumerLag(groupId, topic);
    return l.total === 0 ? l : undefined;
  });
  assert.ok(lag.partitions.every((p) => p.committed === p.end));
  assert.equal(running.restarts, 0);
  assert.deepEqual(crashes, []);

  // pause and resume take a partition number, as the dispatcher gives them; a paused
  // partition is not fetched until resumed.
  const paused = partitionOf('user-late', 3);
  control.pause(paused);
  // A fetch sent before the pause may still be waiting on the broker: let it come back first.
  await sleep(500);
  await producer.send(topic, [{ key: 'user-late', value: 'late' }]);
  await sleep(1_000);
  assert.equal(seen.has('user-late'), false, 'read from a paused partition');
  control.resume(paused);
  await waitFor('the late message after resume', () => seen.has('user-late') || undefined, {
    timeoutMs: 30_000,
  });
});
