import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis, type Redis } from '@evh/redis';
import { createMetricsRegistry } from '@evh/telemetry';
import { listenOnFreePort, randomName, rawRequest, testEnv } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildReporterApp } from '../src/app.js';
import { createProgressHub } from '../src/jobs/progress-hub.js';

// Issue 10, items 1 and 6 for the reporter's routes that take a body (PUT, PATCH, GraphQL),
// over real sockets: a body cut off by its client leaves the reporter serving; one sent too
// slowly is answered 408 within the configured limit (1 s here).

const LIMIT_MS = 1000;
const logger = createLogger('reporter-bodies-test', 'silent');
let redis: Redis;
let app: FastifyInstance;
let port: number;

const routes: [string, string][] = [
  ['PUT /v1/projects/shop/counters/c1', '{"path":"a","op":'],
  ['PATCH /v1/projects/shop/issues/1', '{"status":'],
  ['POST /graphql', '{"query":"{ job(id: '],
];

/** Sends the head and `start`, then a byte every `dripMs` (or destroys); the answer, if any. */
function send(route: string, start: string, then: { dripMs: number } | 'destroy') {
  return rawRequest({
    port,
    head: `${route} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100000`,
    chunks: [start],
    ...(then === 'destroy' ? { finish: 'destroy' as const } : { dripMs: then.dripMs }),
  });
}

async function stillServes(): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/pipeline/counters`);
  assert.equal(res.status, 200, await res.text());
}

before(async () => {
  redis = createRedis({
    url: testEnv().redisUrl,
    keyPrefix: `${randomName('rb')}:`,
    name: 'reporter-bodies',
  });
  await redis.connect();
  app = await buildReporterApp({
    // Not about auth: the routes are open here.
    auth: authOff(),
    logger,
    redis,
    hub: createProgressHub(redis, '', logger),
    ingestUrl: 'http://127.0.0.1:3000',
    registry: createMetricsRegistry('reporter'),
    readiness: {},
    httpLimits: {
      requestTimeoutMs: LIMIT_MS,
      uploadMinBytesPerSec: 1000,
      uploadRateWindowMs: LIMIT_MS,
      maxConnections: 100,
    },
  });
  port = await listenOnFreePort(app);
});

after(async () => {
  await app?.close();
  await redis?.quit();
});

describe('reporter routes that take a body', () => {
  for (const [route, start] of routes) {
    test(`${route}: the client destroys the socket mid-body, the reporter serves on`, async () => {
      for (let i = 0; i < 5; i++) await send(route, start, 'destroy');
      await stillServes();
    });

    test(`${route}: a byte every 200 ms is answered 408 within the limit`, async () => {
      const { status, headers, body, ms } = await send(route, start, { dripMs: 200 });
      assert.equal(status, 408, `${headers}\n\n${body}`);
      assert.match(body, /"code":"REQUEST_TIMEOUT"/);
      assert.ok(ms < LIMIT_MS + 1500, `answered after ${ms} ms`);
      await stillServes();
    });
  }
});
