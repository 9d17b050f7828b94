import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@evh/lifecycle';
import { randomName, testEnv } from '@evh/testing';
import { createKafkaClient } from '../src/index.js';

// On the real broker: a connection that has answered a request, then sits idle, runs no timer.
const env = testEnv();
const kafka = createKafkaClient({
  clientId: randomName('evh-request-queue'),
  brokers: env.kafkaBrokers,
  logger: createLogger('request-queue-test', 'silent'),
});
const admin = kafka.admin();
const producer = kafka.producer();

after(async () => {
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
});

it('an idle producer’s connections check for pending requests only when a request asks it', async () => {
  const topic = randomName('evh-test-request-queue');
  await admin.connect();
  await admin.ensureTopics([{ topic, numPartitions: 1 }]);
  await producer.connect();
  await producer.send(topic, [{ key: 'k', value: 'v' }]);

  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: { checkPendingRequests(): void };
  };
  const check = RequestQueue.prototype.checkPendingRequests;
  let checks = 0;
  RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
    checks++;
    check.call(this);
  };
  try {
    await sleep(500);
  } finally {
    RequestQueue.prototype.checkPendingRequests = check;
  }
  // kafkajs 2.2.4 unpatched: ~880 checks in these 500 ms (two connections, a 1 ms timer each).
  assert.ok(checks <= 5, `${checks} checks in 500 ms idle (kafkajs ${version}: see request-queue-timer.ts)`);
});
