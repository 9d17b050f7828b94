import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { randomName, testEnv, waitFor } from '@evh/testing';
import kafkajs from 'kafkajs';
import { type Admin, type Consumer, createKafka, ensureTopics, runConsumer } from '../src/kafkajs.js';

const env = testEnv();
const logger = createLogger('run-consumer-test', 'silent');
const kafka = createKafka({ clientId: randomName('evh-run-consumer'), brokers: env.kafkaBrokers, logger });
let admin: Admin;
const topic = randomName('evh-test-run-consumer');
const groupId = randomName('evh-test-run-consumer');

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
});

after(async () => {
  await admin.deleteGroups([groupId]).catch(() => {});
  await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => {});
  await admin.disconnect();
});

it('a consumer that kafkajs gives up on after a crash is restarted, and reads its messages', async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [
      { key: 'k', value: 'first' },
      { key: 'k', value: 'second' },
    ],
  });
  await producer.disconnect();

  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const crashes: boolean[] = [];
  consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push(payload.restart));
  const read: string[] = [];
  let thrown = false;
  const running = await runConsumer(consumer, {
    subscribe: { topics: [topic], fromBeginning: true },
    run: {
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        // The first batch fails with an error kafkajs does not restart from, as a group
        // coordinator that cannot be found does.
        if (!thrown) {
          thrown = true;
          throw new kafkajs.KafkaJSNonRetriableError('simulated crash');
        }
        for (const m of batch.messages) {
          read.push(String(m.value));
          resolveOffset(m.offset);
        }
      },
    },
    logger,
    restartDelayMs: 100,
  });
  try {
    await waitFor('both messages read after the restart', () => (read.length >= 2 ? true : undefined), {
      timeoutMs: 30_000,
    });
    assert.deepEqual(crashes, [false], 'kafkajs crashed once and did not restart by itself');
    assert.equal(running.restarts, 1);
    assert.deepEqual(read, ['first', 'second']);
  } finally {
    running.stop();
    await consumer.disconnect();
  }
});
