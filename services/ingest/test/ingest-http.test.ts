import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BatchingProducer,
  createBatchingProducer,
  createKafkaClient,
  type KafkaClient,
} from '@evh/kafka';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis, pipelineKeys, type Redis } from '@evh/redis';
import { createLocalStore } from '@evh/storage';
import { createMetricsRegistry } from '@evh/telemetry';
import { freePort, randomName, testEnv, waitFor } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildIngestApp } from '../src/app.js';
import { createEventPublisher } from '../src/event-publisher.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createRateLimiter } from '../src/rate-limit/rate-limiter.js';
import { createJobRegistry } from '../src/uploads/job-registry.js';

const env = testEnv();
const logger = createLogger('ingest-test', 'silent');
const topic = randomName('ingest-http');
const prefix = `${randomName('t')}:`;

let kafka: KafkaClient;
let batching: BatchingProducer;
const store = createLocalStore(mkdtempSync(join(tmpdir(), 'ingest-http-')));
let redis: Redis;
let app: FastifyInstance;
const closers: (() => Promise<unknown>)[] = [];

async function makeApp(publisher: ReturnType<typeof createEventPublisher>, bodyLimit = 64 * 1024) {
  const registry = createMetricsRegistry('ingest-test');
  return buildIngestApp({
    // Not about auth: the routes are open here.
    auth: authOff(),
    uploads: { store, jobs: createJobRegistry(redis, 60_000), producer: batching, jobsTopic: topic },
    maxUploadBytes: 1024,
    corsOrigin: '*',
    logger,
    rateLimiter: createRateLimiter(redis, { limit: 100, windowMs: 1000 }),
    publisher,
    metrics: createIngestMetrics(registry),
    registry,
    readiness: {},
    bodyLimit,
  });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

before(async () => {
  kafka = createKafkaClient({ clientId: 'ingest-test', brokers: env.kafkaBrokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([{ topic, numPartitions: 3 }]);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  closers.push(() => producer.disconnect());
  batching = createBatchingProducer(producer, {
    lingerMs: 2,
    maxBatchMessages: 1000,
    sendTimeoutMs: 5000,
  });
  closers.push(() => batching.close());
  redis = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'ingest-test' });
  await redis.connect();
  closers.push(() => redis.quit());
  app = await makeApp(createEventPublisher(batching, topic));
  closers.push(() => app.close());
});

after(async () => {
  for (const close of closers.reverse()) await close();
});

describe('POST /events validation', () => {
  const cases: [string, unknown, string][] = [
    ['missing userId', { type: 'click' }, 'userId'],
    ['empty userId', { userId: '', type: 'click' }, 'userId'],
    ['blank userId', { userId: '   ', type: 'click' }, 'userId'],
    ['numeric userId', { userId: 42, type: 'click' }, 'userId'],
    ['missing type', { userId: 'u' }, 'type'],
    ['type not a string', { userId: 'u', type: 7 }, 'type'],
    ['payload not an object', { userId: 'u', type: 't', payload: 'x' }, 'payload'],
    ['payload an array', { userId: 'u', type: 't', payload: [1] }, 'payload'],
    ['seq zero', { userId: 'u', type: 't', payload: { seq: 0 } }, 'payload.seq'],
    ['seq negative', { userId: 'u', type: 't', payload: { seq: -3 } }, 'payload.seq'],
    ['seq fractional', { userId: 'u', type: 't', payload: { seq: 1.5 } }, 'payload.seq'],
    ['seq a string', { userId: 'u', type: 't', payload: { seq: '1' } }, 'payload.seq'],
    ['body an array', [{ userId: 'u', type: 't' }], '(body)'],
    ['body null', 'null', '(body)'],
  ];
  for (const [name, body, field] of cases) {
    test(`${name} → 400 naming ${field}`, async () => {
      const res = await post('/events', body);
      assert.equal(res.statusCode, 400, res.body);
      const json = res.json();
      assert.equal(json.code, 'VALIDATION_FAILED');
      assert.ok(
        json.issues.some((i: { field: string }) => i.field === field),
        `issues ${JSON.stringify(json.issues)} should name ${field}`,
      );
      assert.match(json.message, new RegExp(field.replace(/[().]/g, '\\$&')));
    });
  }

  test('a valid event is 202 with a generated uuid and never a rate-limit refusal', async () => {
    const res = await post('/events', { userId: randomName('u'), type: 'click' });
    assert.equal(res.statusCode, 202, res.body);
    const json = res.json();
    assert.equal(json.status, 'accepted');
    assert.match(json.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(res.headers['ratelimit-limit'], '100');
  });

  test('a client eventId is kept', async () => {
    const eventId = randomName('client-id');
    const res = await post('/events', {
      eventId,
      userId: randomName('u'),
      type: 'click',
      payload: { seq: 1 },
    });
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().eventId, eventId);
  });

  test('malformed JSON is 400, wrong content type 415, oversized body 413, unknown route 404', async () => {
    const malformed = await post('/events', '{"userId": ');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().code, 'MALFORMED_JSON');
    const text = await post('/events', 'userId=u', { 'content-type': 'text/plain' });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().code, 'UNSUPPORTED_MEDIA_TYPE');
    const big = await post('/events', { userId: 'u', type: 't', payload: { blob: 'x'.repeat(70 * 1024) } });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().code, 'BODY_TOO_LARGE');
    const missing = await post('/nope', {});
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { code: 'NOT_FOUND', message: 'no route POST /nope' });
  });
});

describe('POST /events/batch', () => {
  test('a mixed batch answers 202 with one result per item in input order', async () => {
    const user = randomName('u');
    const events = [
      { userId: user, type: 'a', payload: { seq: 1 } },
      { userId: '', type: 'a' },
      { userId: user, type: 'a', payload: { seq: 0 } },
      { eventId: 'keep-me-1', userId: user, type: 'b' },
      'not an object',
      { userId: user, type: 'c', payload: { seq: 2 } },
    ];
    const res = await post('/events/batch', { events });
    assert.equal(res.statusCode, 202, res.body);
    const { results } = res.json();
    assert.deepEqual(
      results.map((r: { status: string }) => r.status),
      ['accepted', 'invalid', 'invalid', 'accepted', 'invalid', 'accepted'],
    );
    assert.equal(results[3].eventId, 'keep-me-1');
    assert.match(results[1].error, /userId/);
    assert.match(results[2].error, /payload\.seq/);
  });

  test('envelope errors are 400: missing, empty, too long, not an array', async () => {
    for (const body of [{}, { events: [] }, { events: 'x' }]) {
      const res = await post('/events/batch', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.match(res.json().message, /events/);
    }
    const tooMany = Array.from({ length: 1001 }, () => ({ userId: 'u', type: 't' }));
    const bigApp = await makeApp({ publish: async () => {} }, 1024 * 1024);
    const res = await bigApp.inject({ method: 'POST', url: '/events/batch', payload: { events: tooMany } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /at most 1000/);
    await bigApp.close();
  });

  test('rate-limited items of a batch are reported as rate_limited, in place', async () => {
    const user = randomName('u');
    const events = Array.from({ length: 120 }, (_, i) => ({
      userId: user,
      type: 't',
      payload: { seq: i + 1 },
    }));
    const res = await post('/events/batch', { events });
    assert.equal(res.statusCode, 202);
    const statuses = res.json().results.map((r: { status: string }) => r.status);
    assert.deepEqual(statuses.slice(0, 100), Array(100).fill('accepted'));
    assert.deepEqual(statuses.slice(100), Array(20).fill('rate_limited'));
  });
});

describe('rate limit: 100 events/s per user, sliding window in Redis', () => {
  test('150 concurrent posts for one user → 95..105 accepted, the rest 429 with headers', async () => {
    const user = randomName('u');
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => post('/events', { userId: user, type: 'burst' })),
    );
    const accepted = responses.filter((r) => r.statusCode === 202).length;
    const limited = responses.filter((r) => r.statusCode === 429);
    assert.ok(accepted >= 95 && accepted <= 105, `accepted ${accepted}`);
    assert.equal(accepted + limited.length, 150);
    const one = limited[0];
    assert.ok(one);
    assert.equal(one.json().code, 'RATE_LIMITED');
    assert.ok(Number(one.headers['retry-after']) >= 1);
    assert.equal(one.headers['ratelimit-remaining'], '0');
    assert.equal(await redis.zcard(pipelineKeys.rate(user)), accepted);
  });

  test('the window slides: 80 posts, 500 ms later 40 more → some but not all of the 40 accepted', async () => {
    const user = randomName('u');
    const first = await Promise.all(
      Array.from({ length: 80 }, () => post('/events', { userId: user, type: 's' })),
    );
    assert.equal(first.filter((r) => r.statusCode === 202).length, 80);
    await sleep(500);
    const second = await Promise.all(
      Array.from({ length: 40 }, () => post('/events', { userId: user, type: 's' })),
    );
    const accepted = second.filter((r) => r.statusCode === 202).length;
    assert.ok(accepted > 0 && accepted < 40, `accepted ${accepted} of 40`);
    // After the first 80 leave the window, the user has room again.
    await waitFor('the window to slide past the first 80', async () => {
      const r = await post('/events', { userId: user, type: 's' });
      return r.statusCode === 202;
    });
  });

  test('users are limited independently', async () => {
    const a = randomName('a');
    const b = randomName('b');
    await Promise.all(Array.from({ length: 110 }, () => post('/events', { userId: a, type: 's' })));
    const res = await post('/events', { userId: b, type: 's' });
    assert.equal(res.statusCode, 202);
  });
});

describe('Kafka unavailable', () => {
  test('a write Kafka cannot acknowledge is 503 with Retry-After, never 202', async () => {
    const port = await freePort();
    const dead = createKafkaClient({
      clientId: 'ingest-test-dead',
      brokers: [`127.0.0.1:${port}`],
      logger,
      retries: 0,
      connectionTimeoutMs: 200,
    });
    const producer = dead.producer();
    batching = createBatchingProducer(producer, {
      lingerMs: 1,
      maxBatchMessages: 10,
      sendTimeoutMs: 1500,
    });
    const deadApp = await makeApp(createEventPublisher(batching, topic));
    const res = await deadApp.inject({
      method: 'POST',
      url: '/events',
      payload: { userId: randomName('u'), type: 't' },
    });
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().code, 'KAFKA_UNAVAILABLE');
    assert.ok(Number(res.headers['retry-after']) >= 1);
    const batch = await deadApp.inject({
      method: 'POST',
      url: '/events/batch',
      payload: { events: [{ userId: 'u', type: 't' }] },
    });
    assert.equal(batch.statusCode, 503);
    await deadApp.close();
    await batching.close();
    await producer.disconnect().catch(() => {});
  });
});

describe('what reaches Kafka', () => {
  test('accepted events are on the topic keyed by userId with {id,userId,type,payload,timestamp}', async () => {
    const user = randomName('k');
    const res = await post('/events', { userId: user, type: 'kafka-check', payload: { seq: 3, x: 'y' } });
    assert.equal(res.statusCode, 202);
    const { eventId } = res.json();
    const consumer = kafka.consumer({
      groupId: randomName('g'),
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxWaitTimeMs: 100,
    });
    let found: { key: string; value: Record<string, unknown> } | undefined;
    const running = await consumer.run({
      topics: [topic],
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      logger,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const value = JSON.parse(message.value?.toString() ?? '{}');
          if (value.id === eventId) found = { key: message.key?.toString() ?? '', value };
        }
      },
    });
    try {
      const msg = await waitFor('the event on Kafka', () => found);
      assert.equal(msg.key, user);
      assert.equal(msg.value.userId, user);
      assert.equal(msg.value.type, 'kafka-check');
      assert.deepEqual(msg.value.payload, { seq: 3, x: 'y' });
      assert.equal(typeof msg.value.timestamp, 'number');
    } finally {
      running.stop();
      await consumer.disconnect();
    }
  });
});
