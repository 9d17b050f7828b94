import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EffectiveQuota, minuteOf, quotaKeys } from '@evh/quota';
import { createRedis, type Redis } from '@evh/redis';
import { randomName, testEnv } from '@evh/testing';
import { createRateLimiter } from '../rate-limit/rate-limiter.js';

// The admission script (redis/rate-limit.lua) on the real Redis: user windows and project
// quotas decided together, one call per request. The clock is the test's.
let redis: Redis;
let clock = 1_700_000_000_000;
const quotas: Record<string, EffectiveQuota> = {};
const limiter = () =>
  createRateLimiter(redis, {
    limit: 5,
    windowMs: 1000,
    now: () => clock,
    quotas: { get: (id) => quotas[id] },
  });

before(async () => {
  redis = createRedis({
    url: testEnv().redisUrl,
    keyPrefix: `${randomName('admission')}:`,
    name: 'admission-test',
  });
  await redis.connect();
});
after(async () => {
  await redis.quit();
});

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const usage = async (project: string) => redis.hgetall(quotaKeys.usage(project, minuteOf(clock)));

describe('admission: user window and project quota in one script', () => {
  it('admits a project’s burst, refuses the rest with the time a token takes, and refills with time', async () => {
    quotas.p1 = { eventsPerSecond: 10, burst: 4, weight: 1, mode: 'enforce', source: 't' };
    const rl = limiter();
    // Four users so the user windows (5 per second) do not interfere.
    const items = ids('e1', 6).map((eventId, i) => ({ userId: `u${i % 4}`, eventId, projectId: 'p1' }));
    const decisions = await rl.check(items);
    assert.deepEqual(
      decisions.map((d) => d.allowed),
      [true, true, true, true, false, false],
    );
    assert.deepEqual(decisions[4], {
      allowed: false,
      remaining: 4,
      retryAfterMs: 100,
      scope: 'project',
      project: { id: 'p1', verdict: 'throttled' },
    });
    assert.deepEqual(decisions[0]?.project, { id: 'p1', verdict: 'accepted' });

    clock += 250; // 2.5 tokens come back
    const later = await rl.check(ids('e2', 3).map((eventId) => ({ userId: 'u9', eventId, projectId: 'p1' })));
    assert.deepEqual(
      later.map((d) => d.allowed),
      [true, true, false],
    );
    assert.equal(later[2]?.retryAfterMs, 50, 'half a token left: 50 ms to the next');
    assert.deepEqual(await usage('p1'), { accepted: '6', throttled: '3' });
  });

  it('a project over its quota is refused without Redis until its next token; the flush counts those refusals', async () => {
    quotas.p5 = { eventsPerSecond: 10, burst: 1, weight: 1, mode: 'enforce', source: 't' };
    const rl = limiter();
    const [ok, refused] = await rl.check(
      ids('c', 2).map((eventId) => ({ userId: '', eventId, projectId: 'p5' })),
    );
    assert.equal(ok?.allowed, true);
    assert.equal(refused?.retryAfterMs, 100);
    const ts = await redis.hget(quotaKeys.bucket('p5'), 'ts');

    clock += 40;
    const local = await rl.check([
      { userId: 'u5', eventId: 'c2', projectId: 'p5' },
      { userId: '', eventId: 'c3' },
    ]);
    assert.deepEqual(local[0], {
      allowed: false,
      remaining: 0,
      retryAfterMs: 60,
      scope: 'project',
      project: { id: 'p5', verdict: 'throttled' },
    });
    assert.equal(local[1]?.allowed, true, 'the rest of the request is decided as always');
    assert.equal(await redis.hget(quotaKeys.bucket('p5'), 'ts'), ts, 'the script did not run for p5');
    assert.equal(await redis.zcard('rate:u5'), 0, "the user's window is untouched");
    assert.deepEqual(await usage('p5'), { accepted: '1', throttled: '1' });
    await rl.flushRefusals();
    assert.deepEqual(await usage('p5'), { accepted: '1', throttled: '2' });
    await rl.flushRefusals();
    assert.deepEqual(await usage('p5'), { accepted: '1', throttled: '2' }, 'counted once');

    clock += 60;
    const [later] = await rl.check([{ userId: '', eventId: 'c4', projectId: 'p5' }]);
    assert.equal(later?.allowed, true, 'its token is back: Redis is asked again');
  });

  it('a refusal by one limit costs nothing of the other', async () => {
    quotas.p2 = { eventsPerSecond: 1, burst: 1, weight: 1, mode: 'enforce', source: 't' };
    const rl = limiter();
    // The user's window is full (5): the project keeps its token.
    await rl.check(ids('fill', 5).map((eventId) => ({ userId: 'busy', eventId })));
    const [byUser] = await rl.check([{ userId: 'busy', eventId: 'x1', projectId: 'p2' }]);
    assert.equal(byUser?.scope, 'user');
    assert.equal(byUser?.project, undefined, 'not counted against the project');
    const [first, byProject] = await rl.check([
      { userId: 'idle', eventId: 'x2', projectId: 'p2' },
      { userId: 'idle', eventId: 'x3', projectId: 'p2' },
    ]);
    assert.equal(first?.allowed, true);
    assert.equal(byProject?.scope, 'project');
    // The project refused x3: the user's window holds only x2.
    assert.equal(await redis.zcard('rate:idle'), 1);
  });

  it('shadow mode admits what is over the quota and counts it as throttled', async () => {
    quotas.p3 = { eventsPerSecond: 2, burst: 2, weight: 1, mode: 'shadow', source: 't' };
    const rl = limiter();
    const decisions = await rl.check(
      ids('s', 4).map((eventId, i) => ({ userId: `s${i}`, eventId, projectId: 'p3' })),
    );
    assert.ok(decisions.every((d) => d.allowed));
    assert.deepEqual(
      decisions.map((d) => d.project?.verdict),
      ['accepted', 'accepted', 'shadow_throttled', 'shadow_throttled'],
    );
    assert.deepEqual(await usage('p3'), { accepted: '4', throttled: '2' });
  });

  it('one batch of several users and projects is decided item by item, in order', async () => {
    quotas.a = { eventsPerSecond: 1, burst: 2, weight: 1, mode: 'enforce', source: 't' };
    quotas.b = { eventsPerSecond: 100, burst: 100, weight: 1, mode: 'enforce', source: 't' };
    const rl = limiter();
    const batch = [
      { userId: 'm1', eventId: 'b1', projectId: 'a' },
      { userId: 'm1', eventId: 'b2', projectId: 'b' },
      { userId: 'm2', eventId: 'b3', projectId: 'a' },
      { userId: 'm2', eventId: 'b4', projectId: 'a' },
      { userId: 'm3', eventId: 'b5' },
      { userId: 'm3', eventId: 'b6', projectId: 'unknown' },
      { userId: 'm1', eventId: 'b7', projectId: 'b' },
    ];
    const d = await rl.check(batch);
    assert.deepEqual(
      d.map((x) => [x.allowed, x.scope ?? '-', x.project?.verdict ?? '-']),
      [
        [true, '-', 'accepted'],
        [true, '-', 'accepted'],
        [true, '-', 'accepted'],
        [false, 'project', 'throttled'],
        [true, '-', '-'],
        [true, '-', '-'],
        [true, '-', 'accepted'],
      ],
    );
  });

  it('without quotas it is the user limiter it always was; a crash without user or quota needs no Redis', async () => {
    const rl = createRateLimiter(redis, { limit: 2, windowMs: 1000, now: () => clock });
    const d = await rl.check(
      ids('plain', 3).map((eventId) => ({ userId: 'plain', eventId, projectId: 'p1' })),
    );
    assert.deepEqual(
      d.map((x) => [x.allowed, x.remaining, x.scope ?? '-', x.project ?? '-']),
      [
        [true, 1, '-', '-'],
        [true, 0, '-', '-'],
        [false, 0, 'user', '-'],
      ],
    );
    const before = await redis.dbsize();
    const [crash] = await rl.check([{ userId: '', eventId: 'c1', projectId: 'p1' }]);
    assert.equal(crash?.allowed, true);
    assert.equal(await redis.dbsize(), before);
  });
});
