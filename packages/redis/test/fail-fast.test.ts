import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { type OwnServer, ownRedis, waitFor } from '@evh/testing';
import { createRedis, type Redis } from '../src/index.js';

// Issue 10, item 5: once connected, a client must not hold commands for the reconnect backoff
// while Redis is down (the ingest's answers took up to 10 s); every such failure carries
// the code REDIS_UNAVAILABLE, which HTTP answers with a 503 and a consumer retries.

let server: OwnServer;
let redis: Redis;

/** How a command ends: its value, or its error's code and message, and how long it took. */
async function outcome(run: () => Promise<unknown>) {
  const started = Date.now();
  try {
    return { value: await run(), ms: Date.now() - started };
  } catch (err) {
    return { error: err as Error, ms: Date.now() - started };
  }
}

before(async () => {
  // Of its own, as it is killed; no persistence: the data need not survive the kill.
  server = await ownRedis({ env: { REDIS_APPENDONLY: 'no' } });
  await server.start();
  // lazyConnect: the first command connects, and waits in the offline queue meanwhile.
  redis = createRedis({ url: server.url, name: 'fail-fast-test', commandTimeoutMs: 500 });
  redis.defineCommand('echoKey', { numberOfKeys: 1, lua: 'return KEYS[1]' });
});

after(async () => {
  redis?.disconnect();
  await server?.stop();
});

test('before its first connection a client queues its commands (lazyConnect still works)', async () => {
  assert.equal(await redis.set('k', 'v'), 'OK');
  assert.equal(await redis.get('k'), 'v');
});

test('Redis killed: a command under way fails within a second, with REDIS_UNAVAILABLE', async () => {
  await waitFor('the client ready', () => redis.status === 'ready');
  const underWay = outcome(() => redis.get('k'));
  await server.kill('SIGKILL');
  const { error, ms } = await underWay;
  // Either answered before the kill, or failed after the first reconnect attempts.
  if (error) {
    assert.ok(isCodedError(error) && error.code === 'REDIS_UNAVAILABLE', String(error));
    assert.ok(ms < 1000, `failed after ${ms} ms`);
  }
  await waitFor('the client to see the connection closed', () => redis.status !== 'ready');
});

test('Redis down: every kind of command fails at once with REDIS_UNAVAILABLE', async () => {
  const r = redis as Redis & { echoKey(key: string): Promise<string> };
  const kinds: [string, () => Promise<unknown>][] = [
    ['get', () => r.get('k')],
    ['a Lua script', () => r.echoKey('k')],
    ['multi/exec', () => r.multi().set('a', '1').pexpire('a', 100).exec()],
    ['hgetall', () => r.hgetall('h')],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [name, run] of kinds) {
      const { error, ms } = await outcome(run);
      assert.ok(isCodedError(error), `${name}: ${error}`);
      assert.equal(error.code, 'REDIS_UNAVAILABLE');
      assert.equal(error.retriable, true);
      assert.ok(ms < 100, `${name} failed after ${ms} ms`);
    }
    // Later in the outage the reconnect backoff is longer: still at once.
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  const pipelined = await r.pipeline().get('k').get('j').exec();
  for (const [err] of pipelined ?? []) assert.equal(isCodedError(err) && err.code, 'REDIS_UNAVAILABLE');
});

test('Redis back: the same client serves again, scripts included', async () => {
  await server.start();
  await waitFor('the client ready again', () => redis.status === 'ready', { timeoutMs: 10_000 });
  assert.equal(await redis.set('k', 'again'), 'OK');
  assert.equal(await (redis as Redis & { echoKey(key: string): Promise<string> }).echoKey('x'), 'x');
});

test('Redis stopped (SIGSTOP: the socket stays open, nothing answers): a command fails after its timeout', async () => {
  server.freeze();
  try {
    const { error, ms } = await outcome(() => redis.get('k'));
    assert.ok(isCodedError(error), String(error));
    assert.equal(error.code, 'REDIS_UNAVAILABLE');
    assert.ok(ms >= 450 && ms < 1500, `failed after ${ms} ms with commandTimeoutMs 500`);
  } finally {
    server.thaw();
  }
});

test('a command error that is not about availability keeps its own error', async () => {
  await waitFor('the client ready', () => redis.status === 'ready');
  await redis.set('str', 'x');
  const { error } = await outcome(() => redis.hgetall('str'));
  assert.ok(error && !isCodedError(error), String(error));
  assert.match(error.message, /WRONGTYPE/);
});
