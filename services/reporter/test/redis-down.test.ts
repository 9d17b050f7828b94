import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { createJobRecords, createLogQueries, createPool, migrate, type Pool } from '@evh/db';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis, type Redis } from '@evh/redis';
import { createMetricsRegistry } from '@evh/telemetry';
import { createTestDatabase, type OwnServer, ownRedis, type TestDatabase } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildReporterApp } from '../src/app.js';
import { createProgressHub } from '../src/jobs/progress-hub.js';

// Issue 10, item 4: with its Redis stopped the reporter answered 500 (MaxRetriesPerRequestError
// unhandled). Every route that reads Redis must answer a coded 503 with Retry-After, at once;
// the routes served from PostgreSQL (upload entries, job records) keep answering.

const logger = createLogger('reporter-redis-down-test', 'silent');
let redisServer: OwnServer;
let redis: Redis;
let subscriber: Redis;
let app: FastifyInstance;
let db: TestDatabase;
let pool: Pool;

/** Served from PostgreSQL, not Redis: these keep answering while Redis is down. */
const FROM_POSTGRES = new Set([
  '/api/v1/jobs/{job_id}/entries',
  '/api/v1/jobs/{job_id}/invalid-lines',
  '/v1/projects/{projectId}/logs',
  '/v1/projects/{projectId}/jobs',
]);

/** A value for each path parameter of the reporter's routes. */
const sample: Record<string, string> = {
  projectId: 'shop',
  name: 'c1',
  number: '1',
  n: '1',
  eventId: randomUUID(),
  job_id: randomUUID(),
};
/** Required query parameters, by route. */
const queries: Record<string, string> = {
  '/v1/projects/{projectId}/search': '?q=boom',
  '/graphql': `?query=${encodeURIComponent(`{ job(id: "${randomUUID()}") { status } }`)}`,
};

function assertUnavailable(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  what: string,
) {
  assert.equal(res.statusCode, 503, `${what}: ${res.statusCode} ${res.body}`);
  assert.ok(Number(res.headers['retry-after']) >= 1, `${what}: Retry-After`);
  // GraphQL carries the code in each error's extensions.
  const body = JSON.parse(res.body) as { code?: string; errors?: { extensions?: { code?: string } }[] };
  assert.equal(body.code ?? body.errors?.[0]?.extensions?.code, 'REDIS_UNAVAILABLE', `${what}: ${res.body}`);
}

before(async () => {
  // No persistence: the data need not survive the kill.
  redisServer = await ownRedis({ env: { REDIS_APPENDONLY: 'no' } });
  await redisServer.start();
  redis = createRedis({ url: redisServer.url, name: 'reporter-test' });
  subscriber = createRedis({ url: redisServer.url, name: 'reporter-test-sub' });
  await redis.connect();
  await subscriber.connect();
  const hub = createProgressHub(subscriber, '', logger);
  await hub.start();
  db = await createTestDatabase('reporter_redis_down');
  pool = createPool({ DATABASE_URL: db.url, DB_POOL_MAX: 2, DB_STATEMENT_TIMEOUT_MS: 10_000 }, logger);
  await migrate(pool);
  app = await buildReporterApp({
    logStore: { queries: createLogQueries(pool), records: createJobRecords(pool) },
    // Not about auth: the routes are open here.
    auth: authOff(),
    logger,
    redis,
    hub,
    ingestUrl: 'http://127.0.0.1:3000',
    registry: createMetricsRegistry('reporter'),
    readiness: {},
    // Never reached: a replay begins in Redis.
    resender: {
      async resend() {
        throw new Error('a replay reached Kafka without Redis');
      },
    },
  });
  await app.ready();
  await redisServer.kill();
});

after(async () => {
  await app?.close();
  redis?.disconnect();
  subscriber?.disconnect();
  await redisServer?.stop();
  await pool?.end();
  await db?.drop();
});

describe('the reporter with its Redis stopped', () => {
  test('GET /v1/events/:id and GET /v1/pipeline/counters: 503 REDIS_UNAVAILABLE with Retry-After', async () => {
    for (const url of [`/v1/events/${randomUUID()}`, '/v1/pipeline/counters']) {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url });
      assertUnavailable(res, url);
      assert.ok(Date.now() - started < 1000, `${url} answered in ${Date.now() - started} ms`);
    }
  });

  test('every documented GET route: 503 REDIS_UNAVAILABLE with Retry-After', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const gets = Object.keys(doc.paths).filter((p) => doc.paths[p]?.get);
    assert.ok(gets.length >= 10, `${gets.length} GET routes documented`);
    for (const path of gets) {
      const url = path.replace(/\{(\w+)\}/g, (_, p: string) => sample[p] ?? 'x') + (queries[path] ?? '');
      const res = await app.inject({ method: 'GET', url });
      if (FROM_POSTGRES.has(path)) {
        // A job's routes: 404 for a job PostgreSQL has no record of; a project's: 200, empty.
        assert.equal(res.statusCode, path.startsWith('/api/v1/jobs/') ? 404 : 200, `GET ${url}: ${res.body}`);
        continue;
      }
      assertUnavailable(res, `GET ${url}`);
    }
    assert.equal(gets.filter((p) => FROM_POSTGRES.has(p)).length, FROM_POSTGRES.size, 'each is documented');
  });

  test('the writing routes: 503 REDIS_UNAVAILABLE with Retry-After', async () => {
    const writes = [
      { method: 'PUT' as const, url: '/v1/projects/shop/counters/c1', payload: { path: 'a', op: 'exists' } },
      { method: 'DELETE' as const, url: '/v1/projects/shop/counters/c1' },
      { method: 'PATCH' as const, url: '/v1/projects/shop/issues/1', payload: { status: 'resolved' } },
      { method: 'POST' as const, url: `/v1/dlq/${randomUUID()}/replay` },
      { method: 'POST' as const, url: '/v1/dlq/replay', payload: { limit: 10 } },
    ];
    for (const w of writes) assertUnavailable(await app.inject(w), `${w.method} ${w.url}`);
  });

  test('GraphQL: 503 with Retry-After and the code in each error', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: `{ job(id: "${randomUUID()}") { status } }` },
    });
    assert.equal(res.statusCode, 503, res.body);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    const body = res.json() as { errors: { extensions?: { code?: string } }[] };
    assert.equal(body.errors[0]?.extensions?.code, 'REDIS_UNAVAILABLE');
  });

  test('WS /ws/jobs/:id closes with 1013 (try again later) instead of staying silent', async () => {
    const ws = await app.injectWS(`/ws/jobs/${randomUUID()}`);
    const [code] = (await once(ws, 'close')) as [number];
    assert.equal(code, 1013);
    // The injected socket pair never ends (a real connection would), so the server's side
    // would wait 30 s for it before the test process may exit.
    for (const client of app.websocketServer.clients) client.terminate();
  });

  test('what needs no Redis still answers: /healthz and the console', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200);
  });
});
