import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { eventMessageSchema } from '@evh/events';
import { createRedis, pipelineKeys as k, type Redis, redisErrors } from '@evh/redis';
import { randomName, testEnv } from '@evh/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { consumerErrors } from '../src/errors.js';
import { createConsumerMetrics } from '../src/metrics.js';
import { type ApplyEvent, createEventProcessor } from '../src/pipeline/event-processor.js';
import { createEventStore } from '../src/pipeline/event-store.js';

const env = testEnv();
// The code @evh/redis gives every command that fails because Redis cannot be reached.
const clients: Redis[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

function setup(apply: ApplyEvent) {
  const redis = createRedis({
    url: env.redisUrl,
    keyPrefix: `${randomName('evh-test-unavail')}:`,
    name: 'test',
  });
  clients.push(redis);
  const deadLettered: string[] = [];
  const processor = createEventProcessor({
    store: createEventStore(redis, {
      lockToken: randomName('token'),
      lockTtlMs: 5000,
      retentionMs: 60_000,
      gapTimeoutMs: 1000,
      stallGraceMs: 500,
    }),
    apply,
    deadLetters: {
      async send(_user, letter) {
        deadLettered.push(letter.id);
      },
    },
    metrics: createConsumerMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
    maxAttempts: 3,
    retryBackoffMs: 5,
    lockWaitMs: 6000,
    isStopping: () => false,
  });
  return { redis, processor, deadLettered };
}

const event = () => {
  const e = eventMessageSchema.parse({
    id: randomName('evt'),
    userId: randomName('u'),
    type: 't',
    payload: {},
    timestamp: Date.now(),
  });
  return { event: e, json: JSON.stringify(e) };
};

test('Redis unavailable during an event is not an attempt: retried until it answers, processed with attempts 1', async () => {
  let calls = 0;
  const { redis, processor, deadLettered } = setup(async () => {
    calls++;
    // Five failures: more than MAX_ATTEMPTS, so each one counted would have dead-lettered it.
    if (calls === 1) throw new Error('Connection is closed.');
    if (calls <= 5) throw redisErrors.REDIS_UNAVAILABLE('redis unavailable: the connection is reconnecting');
  });
  const e = event();
  await processor.process(e);
  assert.equal(calls, 6);
  assert.deepEqual(await redis.hmget(k.event(e.event.id), 'status', 'attempts'), ['processed', '1']);
  assert.deepEqual(deadLettered, []);
});

test('the event’s own failures are still attempts, and dead-lettered after MAX_ATTEMPTS', async () => {
  const { redis, processor, deadLettered } = setup(async () => {
    throw consumerErrors.PROCESSING_FAILED('its own fault');
  });
  const e = event();
  await processor.process(e);
  assert.deepEqual(await redis.hmget(k.event(e.event.id), 'status', 'attempts'), ['failed', '3']);
  assert.deepEqual(deadLettered, [e.event.id]);
});
