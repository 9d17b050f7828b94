import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { EventMessage } from '@evh/events';
import { type BatchingProducer, createBatchingProducer, createKafkaClient } from '@evh/kafka';
import { createLogger } from '@evh/lifecycle';
import {
  type CreatedProject,
  type CredentialCache,
  createCredentialCache,
  createFailureThrottle,
  createProjectStore,
} from '@evh/projects';
import { createRedis, type Redis } from '@evh/redis';
import { createLocalStore } from '@evh/storage';
import { createMetricsRegistry } from '@evh/telemetry';
import { metricValue, randomName, testEnv } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildIngestApp } from '../src/app.js';
import { createEventPublisher, type EventPublisher } from '../src/event-publisher.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createRateLimiter } from '../src/rate-limit/rate-limiter.js';
import { createJobRegistry } from '../src/uploads/job-registry.js';

// Issue 13: the ingest's routes with auth on as in production (real Redis, Kafka), every
// route checked from the route table; Sentry's envelope and store endpoints.

const env = testEnv();
const logger = createLogger('ingest-auth-test', 'silent');
const topic = randomName('ingest-auth');
const store = createLocalStore(mkdtempSync(join(tmpdir(), 'ingest-auth-')));
let redis: Redis;
let batching: BatchingProducer;
let credentials: CredentialCache;
let a: CreatedProject;
let b: CreatedProject;
let app: FastifyInstance;
let registry: Registry | undefined;
const published: EventMessage[] = [];
const closers: (() => Promise<unknown>)[] = [];

async function makeApp(options: { eventsRequireKey?: boolean; userLimit?: number; bodyLimit?: number } = {}) {
  const reg = createMetricsRegistry('ingest-auth-test');
  // The main app's registry is the one the counting test reads.
  registry ??= reg;
  const real = createEventPublisher(batching, topic);
  // Records what reached Kafka, to check the mapping; publishing itself is the real one.
  const publisher: EventPublisher = {
    async publish(events) {
      await real.publish(events);
      published.push(...events);
    },
  };
  return buildIngestApp({
    auth: {
      mode: 'on',
      credentials,
      throttle: createFailureThrottle({ limit: 10_000, windowMs: 60_000 }),
      eventsRequireKey: options.eventsRequireKey ?? false,
    },
    uploads: { store, jobs: createJobRegistry(redis, 60_000), producer: batching, jobsTopic: topic },
    maxUploadBytes: 1024,
    corsOrigin: '*',
    logger,
    rateLimiter: createRateLimiter(redis, { limit: options.userLimit ?? 1000, windowMs: 60_000 }),
    publisher,
    metrics: createIngestMetrics(reg),
    registry: reg,
    readiness: {},
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    maxDecodedBytes: 256 * 1024,
  });
}

before(async () => {
  const kafka = createKafkaClient({ clientId: 'ingest-auth-test', brokers: env.kafkaBrokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([{ topic, numPartitions: 1 }]);
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
  redis = createRedis({ url: env.redisUrl, keyPrefix: `${randomName('ia')}:`, name: 'ingest-auth' });
  await redis.connect();
  closers.push(() => redis.quit());
  const projects = createProjectStore(redis, { graceMs: 60_000 });
  a = await projects.create({ name: 'A', projectId: randomName('a') });
  b = await projects.create({ name: 'B', projectId: randomName('b') });
  credentials = createCredentialCache(redis, { refreshMs: 100 });
  await credentials.start();
  closers.push(() => credentials.stop());
  app = await makeApp();
  closers.push(() => app.close());
});

after(async () => {
  for (const close of closers.reverse()) await close();
});

const crash = (extra: Record<string, unknown> = {}) => ({ message: 'boom', stacktrace: [], ...extra });

function multipart(projectId?: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = 'evhboundary';
  const parts = [
    ...(projectId
      ? [`--${boundary}\r\nContent-Disposition: form-data; name="projectId"\r\n\r\n${projectId}\r\n`]
      : []),
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n{"timestamp":"2024-01-01T00:00:00Z","level":"info","message":"m"}\n\r\n`,
    `--${boundary}--\r\n`,
  ];
  return {
    payload: Buffer.from(parts.join('')),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A request to a route as the route table names it, for project A, with `key` if any. */
async function send(method: string, url: string, key?: string) {
  const auth = key ? { authorization: `Bearer ${key}` } : {};
  if (url === '/api/v1/files/upload') {
    const m = multipart(a.projectId);
    return app.inject({ method: 'POST', url, payload: m.payload, headers: { ...m.headers, ...auth } });
  }
  const real = url.replace(':project', String(a.number));
  const payload = real.includes('/envelope')
    ? '{}\n{"type":"event"}\n{"message":"hi"}\n'
    : JSON.stringify(real.startsWith('/api/') ? { message: 'hi' } : crash({ projectId: a.projectId }));
  return app.inject({
    method: method as 'POST',
    url: real,
    payload,
    headers: { 'content-type': 'application/json', ...auth },
  });
}

describe('every ingest route, from the route table', () => {
  test("no key: 401; a read token: 403; project B's key on A: 403; A's key: accepted", async () => {
    const routes = app.authRoutes.filter((r) => r.policy === 'ingest');
    assert.ok(routes.length >= 6, JSON.stringify(app.authRoutes));
    for (const r of routes) {
      const what = `${r.method} ${r.url}`;
      const none = await send(r.method, r.url);
      assert.equal(none.statusCode, 401, `${what}: ${none.body}`);
      assert.equal(none.json().code, 'AUTH_REQUIRED');
      const unknown = await send(r.method, r.url, 'evhi_0000');
      assert.equal(unknown.json().code, 'AUTH_INVALID', what);
      assert.ok(!unknown.body.includes('evhi_0000'));
      assert.equal((await send(r.method, r.url, a.readToken)).statusCode, 403, `${what} with a read token`);
      const other = await send(r.method, r.url, b.ingestKey);
      assert.equal(other.statusCode, 403, `${what} with B's key: ${other.body}`);
      const own = await send(r.method, r.url, a.ingestKey);
      assert.ok([200, 202].includes(own.statusCode), `${what} with A's key: ${own.statusCode} ${own.body}`);
    }
    const open = app.authRoutes.filter((r) => r.policy === 'open').map((r) => r.url);
    for (const url of open) assert.match(url, /^(\*|\/healthz|\/readyz|\/metrics|\/openapi\.json|\/docs.*)$/);
  });

  test("a crash without projectId goes to the key's project", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/crashes',
      headers: { 'x-evh-key': a.ingestKey },
      payload: crash(),
    });
    assert.equal(res.statusCode, 202, res.body);
    const sent = published.find((m) => m.id === res.json().eventId) as EventMessage & {
      crash?: { projectId: string };
    };
    assert.equal(sent?.crash?.projectId, a.projectId);
  });

  test('seed-004 /events stays open by default, and needs a key with EVENTS_REQUIRE_KEY=true', async () => {
    const event = { userId: 'u1', type: 'click' };
    assert.equal((await app.inject({ method: 'POST', url: '/events', payload: event })).statusCode, 202);
    const strict = await makeApp({ eventsRequireKey: true });
    try {
      const none = await strict.inject({
        method: 'POST',
        url: '/events/batch',
        payload: { events: [event] },
      });
      assert.equal(none.statusCode, 401);
      const keyed = await strict.inject({
        method: 'POST',
        url: '/events',
        payload: event,
        headers: { authorization: `Bearer ${a.ingestKey}` },
      });
      assert.equal(keyed.statusCode, 202, keyed.body);
    } finally {
      await strict.close();
    }
  });
});

const EVENT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function envelope(eventId = EVENT_ID): Buffer {
  const event = JSON.stringify({
    event_id: eventId,
    level: 'warning',
    platform: 'python',
    tags: { plan: 'pro' },
    exception: {
      values: [
        {
          type: 'KeyError',
          value: "'x'",
          stacktrace: { frames: [{ filename: 'app.py', function: 'run', lineno: 7, in_app: true }] },
        },
      ],
    },
  });
  const attachment = 'raw\nbytes';
  return Buffer.from(
    `{"event_id":"${eventId}","sent_at":"2024-01-01T00:00:00Z"}\n{"type":"event","length":${Buffer.byteLength(event)}}\n${event}\n` +
      `{"type":"session"}\n{"sid":"x","status":"ok"}\n{"type":"attachment","length":${attachment.length},"filename":"f.txt"}\n${attachment}\n` +
      '{"type":"client_report"}\n{"discarded_events":[]}\n{"type":"somethingnew"}\n{}\n',
  );
}

describe("Sentry's ingest protocol", () => {
  const url = () => `/api/${a.number}/envelope/?sentry_key=${a.ingestKey}&sentry_version=7`;

  test('an envelope in every encoding: 200 {id}; the event is a crash, the other items are counted', async () => {
    const encodings: [string, (b: Buffer) => Buffer][] = [
      ['identity', (x) => x],
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ];
    for (const [encoding, encode] of encodings) {
      const res = await app.inject({
        method: 'POST',
        url: url(),
        payload: encode(envelope()),
        headers: { 'content-type': 'application/x-sentry-envelope', 'content-encoding': encoding },
      });
      assert.equal(res.statusCode, 200, `${encoding}: ${res.body}`);
      assert.deepEqual(res.json(), { id: EVENT_ID });
    }
    const sent = published.filter((m) => m.id === EVENT_ID) as (EventMessage & {
      crash: Record<string, unknown>;
    })[];
    assert.equal(sent.length, 4, 'each envelope published its event once, under the SDK event_id');
    assert.equal(sent[0]?.crash.projectId, a.projectId);
    assert.equal(sent[0]?.crash.severity, 'warning');
    assert.equal(sent[0]?.crash.message, "KeyError: 'x'");
    assert.deepEqual((sent[0]?.crash.metadata as { tags: unknown } | undefined)?.tags, { plan: 'pro' });
    const text = (await registry?.metrics()) ?? '';
    const count = (kind: string) =>
      metricValue(text, 'evh_ingest_sentry_items_total', `project="${a.projectId}",kind="${kind}"`);
    assert.equal(count('session'), 4);
    assert.equal(count('attachment'), 4);
    assert.equal(count('client_report'), 4);
    assert.equal(count('other'), 4);
  });

  test('the store endpoint, with X-Sentry-Auth; the project may be named by its id too', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/${a.projectId}/store/`,
      payload: gzipSync(JSON.stringify({ event_id: 'ff'.repeat(16), message: 'stored' })),
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-sentry-auth': `Sentry sentry_version=7, sentry_client=test/1, sentry_key=${a.ingestKey}`,
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { id: 'ff'.repeat(16) });
  });

  test('bad input: 400 naming the problem, 413 over the limits, 415 for an unknown encoding', async () => {
    const post = (payload: Buffer | string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: url(),
        payload,
        headers: { 'content-type': 'text/plain', ...headers },
      });
    const garbage = await post('not an envelope');
    assert.equal(garbage.statusCode, 400);
    assert.equal(garbage.json().code, 'SENTRY_BAD_ENVELOPE');
    const badEvent = await post('{}\n{"type":"event"}\n[1,2]\n');
    assert.match(badEvent.json().message, /item 1 \(event\) is not a JSON object/);
    const bomb = await post(gzipSync(Buffer.alloc(1024 * 1024, 'a')), { 'content-encoding': 'gzip' });
    assert.equal(bomb.statusCode, 413, bomb.body);
    const big = await post(Buffer.alloc(70 * 1024, 'a'));
    assert.equal(big.statusCode, 413);
    const zstd = await post(envelope(), { 'content-encoding': 'zstd' });
    assert.equal(zstd.statusCode, 415);
    const corrupt = await post(Buffer.from('nope'), { 'content-encoding': 'gzip' });
    assert.equal(corrupt.json().code, 'ENCODING_INVALID');
  });

  test('over the limit: 429 with Retry-After and X-Sentry-Rate-Limits', async () => {
    const limited = await makeApp({ userLimit: 1 });
    try {
      const withUser = (id: string) =>
        `{}\n{"type":"event"}\n${JSON.stringify({ event_id: id, message: 'm', user: { id: 'u-429' } })}\n`;
      const first = await limited.inject({ method: 'POST', url: url(), payload: withUser('1'.repeat(32)) });
      assert.equal(first.statusCode, 200, first.body);
      const second = await limited.inject({ method: 'POST', url: url(), payload: withUser('2'.repeat(32)) });
      assert.equal(second.statusCode, 429, second.body);
      assert.ok(Number(second.headers['retry-after']) >= 1);
      assert.match(String(second.headers['x-sentry-rate-limits']), /^\d+:error;default:key$/);
    } finally {
      await limited.close();
    }
  });

  test('CORS: a browser SDK may post from another origin and read the rate-limit headers', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: url(),
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.statusCode, 204, preflight.body);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    const res = await app.inject({
      method: 'POST',
      url: url(),
      payload: envelope(),
      headers: { origin: 'https://shop.example', 'content-type': 'text/plain;charset=UTF-8' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['access-control-expose-headers']), /X-Sentry-Rate-Limits/);
  });
});
