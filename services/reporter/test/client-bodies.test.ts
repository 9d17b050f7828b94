import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { createRedis, type Redis } from '@evh/redis';
import { createMetricsRegistry } from '@evh/telemetry';
import { randomName, testEnv } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildReporterApp } from '../src/app.js';
import { createProgressHub } from '../src/jobs/progress-hub.js';
import { freeTestPort } from './own-redis.js';

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
async function send(route: string, start: string, then: { dripMs: number } | 'destroy') {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  const started = Date.now();
  let data = '';
  socket.on('data', (d: Buffer) => {
    data += d.toString();
  });
  socket.write(
    `${route} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n${start}`,
  );
  if (then === 'destroy') {
    socket.destroy();
    return { data, ms: 0 };
  }
  const drip = setInterval(() => socket.writable && socket.write(' '), then.dripMs);
  await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 10_000))]);
  clearInterval(drip);
  socket.destroy();
  return { data, ms: Date.now() - started };
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
  for (;;) {
    port = await freeTestPort();
    try {
      await app.listen({ port, host: '127.0.0.1' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
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
      const { data, ms } = await send(route, start, { dripMs: 200 });
      assert.match(data, /^HTTP\/1\.1 408/, data);
      assert.match(data, /"code":"REQUEST_TIMEOUT"/);
      assert.ok(ms < LIMIT_MS + 1500, `answered after ${ms} ms`);
      await stillServes();
    });
  }
});
