import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createJobRecords, createLogQueries, createPool, migrate, type Pool, uploadDayOf } from '@evh/db';
import { createLogger } from '@evh/lifecycle';
import { type CredentialCache, createCredentialCache, createFailureThrottle } from '@evh/projects';
import { createRedis, jobKeys, type LiveJobWrite, type Redis } from '@evh/redis';
import { createMetricsRegistry } from '@evh/telemetry';
import { createTestDatabase, randomName, type TestDatabase, testEnv, waitFor } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildReporterApp } from '../src/app.js';
import { createProgressHub } from '../src/jobs/progress-hub.js';

// Issue 13: the projects admin API, and authentication on every reporter route, against a
// real Redis with auth on as in production.

const ADMIN = `admin-${randomUUID()}`;
const REFRESH_MS = 200;
const logger = createLogger('reporter-projects-test', 'silent');
let redis: Redis;
let credentials: CredentialCache;
let app: FastifyInstance;
// The job records and entries (PostgreSQL), so the entry routes check their job's project too.
let db: TestDatabase;
let pool: Pool;

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the service answered.
type Json = any;

async function call(method: string, url: string, secret?: string, body?: unknown) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: secret ? { authorization: `Bearer ${secret}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  let json: Json;
  try {
    json = res.json();
  } catch {
    json = res.body;
  }
  return { status: res.statusCode, json, body: res.body };
}

async function build(throttleLimit = 1000): Promise<FastifyInstance> {
  return buildReporterApp({
    logger,
    redis,
    hub: createProgressHub(redis, '', logger),
    ingestUrl: 'http://ingest.example:3000',
    registry: createMetricsRegistry('reporter'),
    readiness: {},
    auth: {
      mode: 'on',
      credentials,
      adminToken: ADMIN,
      throttle: createFailureThrottle({ limit: throttleLimit, windowMs: 60_000 }),
    },
    keyGraceMs: 60_000,
    logStore: { queries: createLogQueries(pool), records: createJobRecords(pool) },
  });
}

before(async () => {
  redis = createRedis({
    url: testEnv().redisUrl,
    keyPrefix: `${randomName('rp')}:`,
    name: 'reporter-projects',
  });
  await redis.connect();
  credentials = createCredentialCache(redis, { refreshMs: REFRESH_MS });
  await credentials.start();
  db = await createTestDatabase('reporter_auth');
  pool = createPool({ DATABASE_URL: db.url, DB_POOL_MAX: 2, DB_STATEMENT_TIMEOUT_MS: 10_000 }, logger);
  await migrate(pool);
  app = await build();
});

after(async () => {
  await app?.close();
  await credentials?.stop();
  await redis?.quit();
  await pool?.end();
  await db?.drop();
});

async function createProject(name: string, projectId?: string) {
  const res = await call('POST', '/v1/projects', ADMIN, { name, ...(projectId ? { projectId } : {}) });
  assert.equal(res.status, 201, res.body);
  return res.json;
}

describe('coded 404s', () => {
  test('an unknown route is NOT_FOUND, an event with no final state EVENT_NOT_FOUND', async () => {
    const route = await call('GET', '/v1/nope', ADMIN);
    assert.equal(route.status, 404, route.body);
    assert.deepEqual(route.json, { code: 'NOT_FOUND', message: 'no route GET /v1/nope' });
    const id = randomName('evt');
    const event = await call('GET', `/v1/events/${id}`, ADMIN);
    assert.equal(event.status, 404, event.body);
    assert.deepEqual(event.json, {
      code: 'EVENT_NOT_FOUND',
      message: `event ${id} is not finalized (unknown, buffered or in progress)`,
    });
  });
});

describe('POST/GET/PATCH /v1/projects', () => {
  test('create answers 201 with the number, keys and a DSN Sentry SDKs take; listings show no secret', async () => {
    const id = randomName('shop');
    const p = await createProject('Shop', id);
    assert.equal(p.projectId, id);
    assert.equal(p.name, 'Shop');
    assert.ok(Number.isInteger(p.number) && p.number >= 1);
    assert.match(p.ingestKey, /^evhi_[0-9a-f]{40}$/);
    assert.match(p.readToken, /^evhr_[0-9a-f]{40}$/);
    assert.equal(p.dsn, `http://${p.ingestKey}@ingest.example:3000/${p.number}`);
    const next = await createProject('Next');
    assert.equal(next.number, p.number + 1, 'numbers have no gaps');

    const list = await call('GET', '/v1/projects', ADMIN);
    assert.equal(list.status, 200);
    assert.ok(list.json.projects.some((x: Json) => x.projectId === id));
    for (const secret of [p.ingestKey, p.readToken, next.ingestKey]) assert.ok(!list.body.includes(secret));

    const one = await call('GET', `/v1/projects/${id}`, p.readToken);
    assert.equal(one.status, 200, one.body);
    assert.equal(one.json.keys.length, 1);
    assert.ok(!one.body.includes(p.readToken));
    const renamed = await call('PATCH', `/v1/projects/${id}`, p.readToken, { name: 'Shop 2' });
    assert.equal(renamed.json.name, 'Shop 2');
  });

  test('bad input is a 400 naming the field; a taken projectId a 409; an unknown project a 404', async () => {
    const bad = await call('POST', '/v1/projects', ADMIN, { name: '', projectId: 'a b' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /name/);
    assert.match(bad.json.message, /projectId/);
    const extra = await call('POST', '/v1/projects', ADMIN, { name: 'x', owner: 'me' });
    assert.equal(extra.status, 400);
    const id = randomName('dup');
    await createProject('one', id);
    const dup = await call('POST', '/v1/projects', ADMIN, { name: 'two', projectId: id });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.code, 'PROJECT_EXISTS');
    assert.equal((await call('GET', '/v1/projects/nope-nope', ADMIN)).json.code, 'PROJECT_NOT_FOUND');
    assert.equal((await call('POST', '/v1/projects/nope-nope/keys', ADMIN)).status, 404);
    const noKey = await call('DELETE', `/v1/projects/${id}/keys/key_000000000000`, ADMIN);
    assert.equal(noKey.json.code, 'KEY_NOT_FOUND');
  });
});

describe('keys: rotation with a grace period, revocation within 2 s', () => {
  test('a rotated read token keeps working; a revoked one is refused within 2 s', async () => {
    const p = await createProject('Rot', randomName('rot'));
    const stats = `/v1/projects/${p.projectId}/stats`;
    await waitFor('the new token', async () => (await call('GET', stats, p.readToken)).status === 200);
    const rotated = await call('POST', `/v1/projects/${p.projectId}/keys`, ADMIN);
    assert.equal(rotated.status, 201, rotated.body);
    assert.notEqual(rotated.json.readToken, p.readToken);
    assert.ok(Date.parse(rotated.json.previousKeysExpireAt) > Date.now() + 50_000);
    await waitFor(
      'the rotated token',
      async () => (await call('GET', stats, rotated.json.readToken)).status === 200,
    );
    assert.equal(
      (await call('GET', stats, p.readToken)).status,
      200,
      'the old token works in the grace period',
    );

    const revokedAt = Date.now();
    const del = await call('DELETE', `/v1/projects/${p.projectId}/keys/${p.keyId}`, ADMIN);
    assert.equal(del.status, 204);
    await waitFor(
      'the revoked token refused',
      async () => (await call('GET', stats, p.readToken)).status === 401,
      {
        timeoutMs: 5000,
        intervalMs: 20,
      },
    );
    const ms = Date.now() - revokedAt;
    console.log(`revocation took effect after ${ms} ms`);
    assert.ok(ms < 2000, `revocation took ${ms} ms`);
    assert.equal((await call('GET', stats, rotated.json.readToken)).status, 200, 'the other key still works');
  });
});

/** Our error code; GraphQL's formatter puts it in the first error's extensions. */
const codeOf = (json: Json): string | undefined => json?.code ?? json?.errors?.[0]?.extensions?.code;

/** A value for each path parameter, from project A's resources. */
function fill(url: string, a: Json, jobId: string): string {
  return url
    .replace(':projectId', a.projectId)
    .replace(':job_id', jobId)
    .replace(':keyId', a.keyId)
    .replace(':name', 'c1')
    .replace(':number', '1')
    .replace(':n', '1')
    .replace(':eventId', 'e1');
}

describe('every reporter route, from the route table', () => {
  test('no route is open but the probes, the docs and the console', () => {
    const open = app.authRoutes.filter((r) => r.policy === 'open').map((r) => r.url);
    for (const url of open)
      assert.match(
        url,
        /^(\/|\/console\/app\.(js|css)|\/healthz|\/readyz|\/metrics|\/openapi\.json|\/docs.*)$/,
      );
    assert.ok(app.authRoutes.length > 20, 'the table is the whole app');
  });

  test("no credential: 401; an unknown one: 401; project B's token on A's resources: 403; A's own: allowed", async () => {
    const a = await createProject('A', randomName('a'));
    const b = await createProject('B', randomName('b'));
    const jobId = randomUUID();
    await redis.hset(jobKeys.job(jobId), {
      id: jobId,
      fileName: 'f.jsonl',
      format: 'jsonl',
      size: 1,
      projectId: a.projectId,
      status: 'queued',
      createdAt: Date.now(),
      percent: 0,
    } satisfies LiveJobWrite);
    await createJobRecords(pool).started({
      jobId,
      projectId: a.projectId,
      fileName: 'f.jsonl',
      sizeBytes: 1,
      format: 'jsonl',
      createdAt: Date.now(),
      startedAt: Date.now(),
      uploadDay: uploadDayOf(Date.now()),
    });
    await waitFor(
      'the tokens',
      async () => (await call('GET', `/v1/projects/${b.projectId}`, b.readToken)).status === 200,
    );
    const checked = app.authRoutes.filter((r) => r.policy !== 'open' && r.method !== 'HEAD');
    const body = (method: string) => (['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);
    for (const route of checked) {
      const url = fill(route.url, a, jobId);
      const what = `${route.method} ${route.url}`;
      const none = await call(route.method, url, undefined, body(route.method));
      assert.equal(none.status, 401, `${what} without a credential: ${none.body}`);
      assert.equal(codeOf(none.json), 'AUTH_REQUIRED', `${what}: ${none.body}`);
      const unknown = await call(route.method, url, 'evhr_0000', body(route.method));
      assert.equal(codeOf(unknown.json), 'AUTH_INVALID', what);
      assert.ok(!unknown.body.includes('evhr_0000'), 'an error repeats no credential');
      const other = await call(route.method, url, b.readToken, body(route.method));
      const otherAsIngest = await call(route.method, url, b.ingestKey, body(route.method));
      assert.equal(otherAsIngest.status, 403, `${what} with B's ingest key: ${otherAsIngest.body}`);
      if (route.url === '/graphql') {
        // GraphQL has no 403: another project's job is null, as a job that never was.
        const q = await call('POST', '/graphql', b.readToken, {
          query: `{ job(id: "${jobId}") { job_id } }`,
        });
        assert.deepEqual(q.json.data, { job: null });
        const own = await call('POST', '/graphql', a.readToken, {
          query: `{ job(id: "${jobId}") { job_id } }`,
        });
        assert.equal(own.json.data.job.job_id, jobId);
        continue;
      }
      assert.equal(other.status, 403, `${what} with B's read token: ${other.body}`);
      if (route.policy === 'read' && !route.url.startsWith('/ws/')) {
        const own = await call(route.method, url, a.readToken, body(route.method));
        assert.ok(![401, 403].includes(own.status), `${what} with A's own token: ${own.body}`);
      }
    }
  });

  test('repeated failures from one address are answered 429 with Retry-After, even for a right token', async () => {
    const throttled = await build(5);
    try {
      const p = await createProject('T', randomName('t'));
      const url = `/v1/projects/${p.projectId}/stats`;
      for (let i = 0; i < 5; i++) {
        const res = await throttled.inject({ url, headers: { authorization: `Bearer wrong-${i}` } });
        assert.equal(res.statusCode, 401);
      }
      const res = await throttled.inject({ url, headers: { authorization: `Bearer ${p.readToken}` } });
      assert.equal(res.statusCode, 429, res.body);
      assert.equal(res.json().code, 'AUTH_THROTTLED');
      assert.ok(Number(res.headers['retry-after']) > 0);
    } finally {
      await throttled.close();
    }
  });
});
