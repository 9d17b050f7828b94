import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { randomName, tempDir, testEnv } from '@evh/testing';
import { checkLuaHeader, createRedis, defineLuaScript } from '../src/index.js';

const dir = tempDir('evh-lua-define-');

/** Writes a fixture script whose body no Redis has seen (a random first line), so its SHA is new. */
function fixture(file: string, lines: string[]): string {
  writeFileSync(join(dir, file), [`-- ${randomName('unique')}`, ...lines].join('\n'));
  return file;
}

const setPair = defineLuaScript(dir, {
  file: fixture('set-pair.lua', [
    '-- KEYS[1] first',
    '-- KEYS[2] second',
    '-- ARGV[1] value',
    '-- ARGV[2] extra, not a key',
    '-- returns { KEYS, ARGV } as the script saw them',
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)",
    "redis.call('SET', KEYS[2], ARGV[1], 'PX', 60000)",
    'return { KEYS, ARGV }',
  ]),
  keys: ['first', 'second'],
  argv: ['value', 'extra'],
  parse: (raw) => {
    const [keys, argv] = raw as [string[], string[]];
    return { keys, argv };
  },
});

const setAll = defineLuaScript(dir, {
  file: fixture('set-all.lua', [
    '-- KEYS[1]  counter',
    '-- KEYS[2…] one more key per value',
    '-- ARGV[1]  ttl (ms)',
    '-- ARGV[2…] a value per key after KEYS[1]',
    '-- returns the number of keys set',
    'for i = 2, #KEYS do',
    "  redis.call('SET', KEYS[i], ARGV[i], 'PX', ARGV[1])",
    'end',
    "redis.call('INCRBY', KEYS[1], #KEYS - 1)",
    "redis.call('PEXPIRE', KEYS[1], ARGV[1])",
    'return #KEYS - 1',
  ]),
  keys: ['counter'],
  argv: ['ttl'],
  variadic: 'both',
  parse: Number,
});

describe('defineLuaScript', () => {
  it('reads the file beside the module, names the script after it, and its header agrees', () => {
    assert.equal(setPair.name, 'setPair');
    assert.equal(setPair.file, 'set-pair.lua');
    assert.match(setPair.source, /return \{ KEYS, ARGV \}/);
    assert.deepEqual(setPair.keys, ['first', 'second']);
    assert.equal(setPair.variadic, undefined);
    assert.equal(setAll.variadic, 'both');
    assert.deepEqual(checkLuaHeader(setPair), []);
    assert.deepEqual(checkLuaHeader(setAll), []);
  });

  it('throws when the file does not exist', () => {
    assert.throws(() => defineLuaScript(dir, { file: 'missing.lua', keys: [], argv: [] }), {
      code: 'ENOENT',
    });
  });
});

describe('LuaScript on a real Redis', () => {
  const env = testEnv();
  const prefix = `${randomName('evh-test-lua-define')}:`;
  const prefixed = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'evh-test-lua-define' });
  const plain = createRedis({ url: env.redisUrl, name: 'evh-test-lua-define-plain' });
  const created: string[] = [];
  const cached = async (source: string) => {
    const sha = createHash('sha1').update(source).digest('hex');
    return ((await plain.script('EXISTS', sha)) as number[])[0] === 1;
  };

  after(async () => {
    if (created.length > 0) await plain.del(...created);
    await Promise.all([prefixed.quit(), plain.quit()]);
  });

  /** Random key names, remembered (prefixed) for the clean-up. */
  function names(n: number): string[] {
    const out = Array.from({ length: n }, () => randomName('k'));
    created.push(...out.map((k) => `${prefix}${k}`));
    return out;
  }

  it('run: named keys and argv in spec order, keyPrefix on KEYS only, the reply parsed', async () => {
    const [a = '', b = ''] = names(2);
    // Unseen SHA: EVALSHA fails with NOSCRIPT, EVAL runs it; the second call is a plain EVALSHA.
    for (const value of ['v1', 'v2']) {
      const r = await setPair.run(prefixed, { second: b, first: a }, { extra: 'x', value });
      assert.deepEqual(r, { keys: [`${prefix}${a}`, `${prefix}${b}`], argv: [value, 'x'] });
      assert.deepEqual(await plain.mget(`${prefix}${a}`, `${prefix}${b}`), [value, value]);
    }
    assert.equal(await plain.exists(a, b), 0, 'nothing was written under the unprefixed names');
    assert.equal(await prefixed.get(a), 'v2', 'the prefixed client reads its own keys back');
  });

  it('run: rest keys and argv come after the named ones, the rest keys prefixed too', async () => {
    const [counter = '', ...rest] = names(4);
    const n = await setAll.run(prefixed, { counter }, { ttl: 60_000 }, { keys: rest, argv: ['x', 'y', 'z'] });
    assert.equal(n, 3);
    assert.deepEqual(await plain.mget(...rest.map((k) => `${prefix}${k}`)), ['x', 'y', 'z']);
    assert.equal(await plain.get(`${prefix}${counter}`), '3');
    assert.equal(await setAll.run(prefixed, { counter }, { ttl: 60_000 }), 0, 'no rest at all');
  });

  it('run: EVAL once the server lost the script (SCRIPT FLUSH), EVALSHA again after', async () => {
    const [a = '', b = ''] = names(2);
    await setPair.run(prefixed, { first: a, second: b }, { value: 'before', extra: '' });
    assert.equal(await cached(setPair.source), true);
    await plain.script('FLUSH');
    assert.equal(await cached(setPair.source), false);
    const r = await setPair.run(prefixed, { first: a, second: b }, { value: 'after', extra: '' });
    assert.deepEqual(r.argv, ['after', '']);
    assert.equal(await cached(setPair.source), true, 'the fallback EVAL cached it again');
  });

  it('run: auto-pipelined with other commands of the same tick', async () => {
    const [a = '', b = '', c = '', counter = ''] = names(4);
    await prefixed.set(c, 'c', 'PX', 60_000);
    await plain.script('FLUSH');
    const [got, r1, r2] = await Promise.all([
      prefixed.get(c),
      setPair.run(prefixed, { first: a, second: b }, { value: '1', extra: '' }),
      setAll.run(prefixed, { counter }, { ttl: 60_000 }, { keys: [a], argv: ['2'] }),
    ]);
    assert.equal(got, 'c');
    assert.deepEqual(r1.keys, [`${prefix}${a}`, `${prefix}${b}`]);
    assert.equal(r2, 1);
    assert.equal(await prefixed.get(a), '2', 'in call order: set-pair, then set-all');
  });

  it('queue: many calls in one pipeline, keys prefixed by the pipeline’s client, raw replies', async () => {
    const [a = '', b = '', counter = '', x = ''] = names(4);
    // A pipeline made before this client ever queued the script (its command is defined late).
    const pipeline = prefixed.pipeline();
    setPair.queue(pipeline, { first: a, second: b }, { value: 'p', extra: 'e' });
    pipeline.get(a);
    setAll.queue(pipeline, { counter }, { ttl: 60_000 }, { keys: [x], argv: ['q'] });
    const rows = (await pipeline.exec()) ?? [];
    assert.deepEqual(
      rows.map(([err]) => err),
      [null, null, null],
    );
    assert.deepEqual(setPair.parse(rows[0]?.[1]), {
      keys: [`${prefix}${a}`, `${prefix}${b}`],
      argv: ['p', 'e'],
    });
    assert.equal(rows[1]?.[1], 'p', 'queued in order: the GET sees the script’s write');
    assert.equal(setAll.parse(rows[2]?.[1]), 1);
    assert.equal(await plain.get(`${prefix}${x}`), 'q');
    assert.equal(await plain.exists(a, x), 0);
  });

  it('queue: still answers after the server lost the script between two pipelines', async () => {
    const [a = '', b = ''] = names(2);
    for (const value of ['first', 'second']) {
      const pipeline = prefixed.pipeline();
      setPair.queue(pipeline, { first: a, second: b }, { value, extra: '' });
      setPair.queue(pipeline, { first: b, second: a }, { value: `${value}!`, extra: '' });
      const rows = (await pipeline.exec()) ?? [];
      assert.deepEqual(
        rows.map(([err, raw]) => [err, setPair.parse(raw).argv[0]]),
        [
          [null, value],
          [null, `${value}!`],
        ],
      );
      await plain.script('FLUSH');
    }
  });

  it('a missing named value or a rest for a fixed part is LUA_CALL_INVALID, before any command', async () => {
    const invalid = (err: unknown) => isCodedError(err) && err.code === 'LUA_CALL_INVALID' && !err.retriable;
    const [a = ''] = names(1);
    const partial = { first: a } as unknown as { first: string; second: string };
    await assert.rejects(setPair.run(prefixed, partial, { value: 'v', extra: '' }), (err: unknown) => {
      assert.ok(invalid(err));
      assert.match((err as Error).message, /^set-pair\.lua: no key second$/);
      return true;
    });
    await assert.rejects(
      setPair.run(prefixed, { first: a, second: a }, { value: 'v', extra: '' }, { keys: [a] }),
      invalid,
    );
    assert.throws(() => setPair.queue(prefixed.pipeline(), partial, { value: 'v', extra: '' }), invalid);
    assert.equal(await plain.exists(`${prefix}${a}`), 0);
  });
});
