import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createKafka, type EachBatchPayload, ensureTopics, Partitioners } from '@evh/kafka/kafkajs';
import { randomName, testEnv, waitFor } from '@evh/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createEventDispatcher } from '../src/dispatch/event-dispatcher.js';
import { createFairScheduler } from '../src/dispatch/fair-scheduler.js';
import { createPartitionProgress } from '../src/dispatch/partition-progress.js';
import { createUserLanes } from '../src/dispatch/user-lanes.js';
import { consumerErrors } from '../src/errors.js';
import { createConsumerMetrics } from '../src/metrics.js';
import type { Decoded, EventProcessor } from '../src/pipeline/event-processor.js';

const env = testEnv();
const logger = pino({ level: 'silent' });
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

test('the kafkajs consumer crashes during a redelivery: no uncaught exception, and the user’s messages are read again', async () => {
  const topic = randomName('redeliver-crash');
  const kafka = createKafka({
    clientId: 'redelivery-crash-test',
    brokers: env.kafkaBrokers,
    logger,
  });
  const admin = kafka.admin();
  await admin.connect();
  closers.push(() => admin.disconnect());
  await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  closers.push(() => producer.disconnect());
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: 10 }, (_, i) => ({
      partition: 0,
      key: 'u',
      value: JSON.stringify({ id: `m${i}` }),
    })),
  });

  const groupId = randomName('redeliver-crash');
  // No retries: the first failing batch crashes the consumer, and it restarts 1.5 s later.
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    retry: { retries: 0, initialRetryTime: 1500 },
  });
  let crashes = 0;
  let crashArmed = false;
  let onCrash = () => {};
  const crashed = new Promise<void>((resolve) => {
    onCrash = resolve;
  });
  // On a broker just started, joining can crash the consumer too ("not the correct
  // coordinator"), before any message: those are kafkajs's own, told apart from ours.
  const otherCrashes: string[] = [];
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    const text = String((payload.error as Error | undefined)?.stack ?? payload.error);
    if (!text.includes('simulated crash')) {
      otherCrashes.push(text);
      return;
    }
    crashes++;
    onCrash();
  });

  // The processor of the test: m3 fails once as if Redis were down, and only after the
  // Kafka consumer has crashed, so the redelivery's pause, seek and resume meet no group.
  const done: string[] = [];
  let failedOnce = false;
  const processor = {
    held: new Set<string>(),
    // Every message one by one: the plain-run path is tested on real Redis.
    isPlain: () => false,
    lockLost() {},
    decode: (value: Buffer | null) => {
      const json = value?.toString() ?? '';
      return { event: { ...JSON.parse(json), userId: 'u', type: 't', payload: {} }, json };
    },
    async process({ event }: Decoded) {
      if (event.id === 'm3' && !failedOnce) {
        failedOnce = true;
        crashArmed = true;
        await producer.send({
          topic,
          messages: [{ partition: 1, key: 'x', value: JSON.stringify({ id: 'crash' }) }],
        });
        await crashed;
        throw consumerErrors.REDIS_UNAVAILABLE('simulated');
      }
      done.push(event.id);
    },
  } as unknown as EventProcessor;

  const thrown: string[] = [];
  const guard = (what: string, call: () => void) => {
    try {
      call();
    } catch (err) {
      thrown.push(what);
      throw err;
    }
  };
  const dispatcher = createEventDispatcher({
    processor,
    lanes: createUserLanes(),
    scheduler: createFairScheduler({ capacity: 4 }),
    metrics: createConsumerMetrics(new Registry()),
    logger,
    progress: createPartitionProgress(),
    maxPendingMessages: 100,
    maxPendingBytes: 1024 * 1024,
    redeliveryDelayMs: 300,
    control: {
      pause: (partition) => guard('pause', () => consumer.pause([{ topic, partitions: [partition] }])),
      resume: (partition) => guard('resume', () => consumer.resume([{ topic, partitions: [partition] }])),
      seek: (partition, offset) => guard('seek', () => consumer.seek({ topic, partition, offset })),
      commit: (offsets) => consumer.commitOffsets(offsets.map((o) => ({ topic, ...o }))),
    },
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    dispatcher.assigned(payload.memberAssignment[topic] ?? []),
  );
  await consumer.connect();
  closers.push(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload: EachBatchPayload) => {
      if (crashArmed && payload.batch.partition === 1) {
        crashArmed = false;
        throw new Error('simulated crash of the kafkajs consumer');
      }
      await dispatcher.handleBatch(payload);
    },
  });
  dispatcher.start(50);
  closers.push(() => dispatcher.drain(1000));

  await waitFor('m0…m9 processed', () => ['m3', 'm9'].every((id) => done.includes(id)) && done, {
    timeoutMs: 30_000,
  });
  assert.equal(crashes, 1, 'the consumer crashed once');
  for (const text of otherCrashes) {
    assert.doesNotMatch(text, /event-dispatcher/, `a crash of our own making: ${text}`);
  }
  assert.ok(
    thrown.includes('seek'),
    `the redelivery's seek met the crashed consumer (threw: ${thrown.join(', ')})`,
  );
  // Everything from m3 on ran after the failure, in order, none dropped.
  const ms = done.filter((id) => id.startsWith('m'));
  const fromM3 = ms.slice(ms.indexOf('m3'));
  assert.deepEqual(fromM3, ['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  for (const id of ['m0', 'm1', 'm2']) assert.ok(done.includes(id), `${id} processed`);
  await waitFor('partition 0 committed to its end', async () => {
    await dispatcher.commit();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return committed?.partitions.find((p) => p.partition === 0)?.offset === '10';
  });
});
