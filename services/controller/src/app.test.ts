import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupLag } from '@evh/kafka';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildControllerApp } from './app.js';

const status = () => ({
  identity: 'c-1',
  kubernetes: false,
  namespace: null,
  leading: true,
  leaseHolder: null,
  quotasSynced: false,
  lastScale: null,
});

test('GET /v1/lag: 503 LAG_UNKNOWN (a coded error, with Retry-After) before the first reading, the reading after', async () => {
  let lag: GroupLag | undefined;
  const app = buildControllerApp({
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    readiness: {},
    latestLag: () => lag,
    status,
  });
  try {
    const before = await app.inject({ method: 'GET', url: '/v1/lag' });
    assert.equal(before.statusCode, 503);
    assert.deepEqual(before.json(), { code: 'LAG_UNKNOWN', message: 'no lag reading yet' });
    assert.equal(before.headers['retry-after'], '1');

    lag = {
      topic: 'events',
      groupId: 'g',
      partitions: [{ partition: 0, end: 5, committed: 3, lag: 2 }],
      total: 2,
    };
    const after = await app.inject({ method: 'GET', url: '/v1/lag' });
    assert.equal(after.statusCode, 200);
    assert.deepEqual(after.json(), lag);
  } finally {
    await app.close();
  }
});
