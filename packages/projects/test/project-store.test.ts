import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkLuaHeader, createRedis, projectKeys, type Redis } from '@evh/redis';
import { randomName, testEnv } from '@evh/testing';
import { createCredentialCache, createProjectStore, hashSecret, projectScripts } from '../src/index.js';

let redis: Redis;

before(async () => {
  redis = createRedis({
    url: testEnv().redisUrl,
    keyPrefix: `${randomName('projects')}:`,
    name: 'projects-test',
  });
  await redis.connect();
});
after(async () => {
  await redis.quit();
});

/** Every value under the test's prefix, to show that no secret is stored. */
async function allValues(): Promise<string> {
  const prefix = redis.options.keyPrefix ?? '';
  const keys = await redis.keys(`${prefix}*`);
  const out: string[] = [];
  for (const full of keys) {
    const key = full.slice(prefix.length);
    const type = await redis.type(key);
    if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'string') out.push((await redis.get(key)) ?? '');
    else if (type === 'zset') out.push((await redis.zrange(key, 0, -1)).join(','));
  }
  return out.join('\n');
}

describe('project scripts', () => {
  it('each header names the keys and arguments its call sites pass', () => {
    assert.deepEqual(projectScripts.flatMap(checkLuaHeader), []);
  });
});

describe('createProjectStore and createCredentialCache (real Redis)', () => {
  let t = 1_000_000;
  const store = () => createProjectStore(redis, { graceMs: 10_000, now: () => t });

  it('numbers projects 1, 2, 3 without gaps; a taken id is a 409 that takes no number', async () => {
    const s = store();
    const a = await s.create({ name: 'A', projectId: 'shop' });
    const b = await s.create({ name: 'B' });
    await assert.rejects(s.create({ name: 'again', projectId: 'shop' }), { code: 'PROJECT_EXISTS' });
    const c = await s.create({ name: 'C', projectId: '42' });
    assert.deepEqual([a.number, b.number, c.number], [1, 2, 3]);
    assert.match(b.projectId, /^prj-[0-9a-f]{12}$/);
    assert.match(a.ingestKey, /^evhi_[0-9a-f]{40}$/);
    assert.match(a.readToken, /^evhr_[0-9a-f]{40}$/);
    assert.deepEqual(
      (await s.list()).map((p) => [p.projectId, p.number, p.name]),
      [
        ['shop', 1, 'A'],
        [b.projectId, 2, 'B'],
        ['42', 3, 'C'],
      ],
    );
    assert.equal((await s.rename('shop', 'Shop'))?.name, 'Shop');
    assert.equal(await s.rename('nope', 'x'), undefined);
    assert.equal(await s.get('nope'), undefined);
  });

  it('stores only hashes: no key or token is in any Redis value', async () => {
    const s = store();
    const p = await s.create({ name: 'secret', projectId: randomName('sec') });
    const rotated = await s.rotate(p.projectId);
    const values = await allValues();
    for (const secret of [p.ingestKey, p.readToken, rotated?.ingestKey, rotated?.readToken]) {
      assert.ok(secret && !values.includes(secret), 'a secret is stored');
    }
    assert.ok(values.includes(hashSecret(p.ingestKey)));
  });

  it('finds credentials by secret; rotation keeps the old key until the grace end; revocation ends it', async () => {
    const s = store();
    const cache = createCredentialCache(redis, { refreshMs: 20, now: () => t });
    const p = await s.create({ name: 'rot', projectId: randomName('rot') });
    await cache.start();
    try {
      assert.equal(cache.find(p.ingestKey)?.kind, 'ingest');
      assert.equal(cache.find(p.readToken)?.kind, 'read');
      assert.equal(cache.find(p.readToken)?.number, p.number);
      assert.equal(cache.find(`${p.ingestKey}0`), undefined);

      t += 1;
      const r = await s.rotate(p.projectId);
      assert.ok(r);
      await cache.refresh();
      assert.equal(cache.find(r.ingestKey)?.projectId, p.projectId);
      assert.equal(cache.find(p.ingestKey)?.expiresAt, t + 10_000, 'the old key works through the grace');
      const view = await s.get(p.projectId);
      assert.equal(view?.keys.length, 2);
      assert.equal(view?.keys[0]?.expiresAt, new Date(t + 10_000).toISOString());
      assert.equal(view?.keys[1]?.expiresAt, null);

      t += 10_001;
      assert.equal(cache.find(p.ingestKey), undefined, 'past the grace the old key is refused');
      assert.equal(cache.find(r.ingestKey)?.kind, 'ingest');
      assert.equal((await s.get(p.projectId))?.keys.length, 1);

      assert.equal(await s.revoke(p.projectId, r.keyId), true);
      assert.equal(await s.revoke(p.projectId, r.keyId), false);
      await cache.refresh();
      assert.equal(cache.find(r.ingestKey), undefined);
      assert.equal(cache.find(r.readToken), undefined);
      assert.equal(await s.rotate('no-such-project'), undefined);
      const stored = await redis.hgetall(projectKeys.keys(p.projectId));
      assert.equal(
        Object.keys(stored).length,
        1,
        'the expired key is still listed until a rotation drops it',
      );
    } finally {
      await cache.stop();
    }
  });
});
