import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger, createShutdown } from '@evh/lifecycle';
import { type OwnServer, ownRedis, waitFor } from '@evh/testing';
import { createRedis, type Redis, startRedisProbe } from '../src/index.js';

// Readiness must follow a Redis that stops answering while it keeps its socket: the client's
// status stays 'ready' then, the probe must not.
let server: OwnServer;
let redis: Redis;

before(async () => {
  server = await ownRedis({ env: { REDIS_APPENDONLY: 'no' } });
  await server.start();
  redis = createRedis({ url: server.url, name: 'probe-test', commandTimeoutMs: 300 });
  await redis.connect();
});

after(async () => {
  redis?.disconnect();
  await server?.stop();
});

test('Redis frozen (SIGSTOP): the probe is down within interval + bound while the client stays ready; thawed: up again', async () => {
  const shutdown = createShutdown({ logger: createLogger('probe-test', 'silent'), timeoutMs: 1000 });
  const probe = await startRedisProbe(
    redis,
    { KAFKA_PROBE_INTERVAL_MS: 200, KAFKA_PROBE_TIMEOUT_MS: 300 },
    shutdown,
  );
  assert.equal(probe.up, true, 'up after the first PING');

  await server.freeze();
  const frozenAt = Date.now();
  await waitFor('the probe down', () => !probe.up, { timeoutMs: 5000, intervalMs: 20 });
  const downMs = Date.now() - frozenAt;
  assert.equal(redis.status, 'ready', "the client's own status did not notice");
  assert.ok(downMs < 1500, `down after ${downMs} ms`);

  await server.thaw();
  const thawedAt = Date.now();
  await waitFor('the probe up again', () => probe.up, { timeoutMs: 5000, intervalMs: 20 });
  assert.ok(Date.now() - thawedAt < 1500, `up again after ${Date.now() - thawedAt} ms`);
  await shutdown.close('test');
});
