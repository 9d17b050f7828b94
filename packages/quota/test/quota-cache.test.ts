import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRedis, type Redis } from '@evh/redis';
import { randomName, testEnv, waitFor } from '@evh/testing';
import { createQuotaCache, quotaKeys } from '../src/index.js';

let redis: Redis;

before(async () => {
  redis = createRedis({
    url: testEnv().redisUrl,
    keyPrefix: `${randomName('quota-cache')}:`,
    name: 'quota-test',
  });
  await redis.connect();
});
after(async () => {
  await redis.quit();
});

describe('createQuotaCache (real Redis)', () => {
  it('loads at start, then follows changes within the refresh interval, reading the table only after a bump', async () => {
    await redis.hset(quotaKeys.effective(), 'p1', '{"eventsPerSecond":5,"burst":5}');
    await redis.incr(quotaKeys.version());
    const cache = createQuotaCache(redis, { refreshMs: 50 });
    await cache.start();
    try {
      assert.equal(cache.get('p1')?.eventsPerSecond, 5);
      assert.equal(cache.get('p2'), undefined);

      // Without a version bump the change is not read: readers pay one GET per refresh.
      await redis.hset(quotaKeys.effective(), 'p1', '{"eventsPerSecond":7,"burst":7}');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(cache.get('p1')?.eventsPerSecond, 5);

      await redis.set(quotaKeys.defaultQuota(), '{"eventsPerSecond":1,"burst":2,"source":"default"}');
      await redis.incr(quotaKeys.version());
      await waitFor('the bumped table', () => cache.get('p1')?.eventsPerSecond === 7, { timeoutMs: 2000 });
      assert.equal(cache.get('p2')?.source, 'default');
    } finally {
      await cache.stop();
      await cache.stop();
    }
  });
});
