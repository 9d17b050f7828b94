import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { randomName, tempDir, testEnv } from '@evh/testing';
import { createRedis, defineScripts, luaDir, type Redis, readLuaScript } from '../src/index.js';

const dir = tempDir('evh-lua-');

/** Writes a fixture script into the temp dir and returns its file name. */
function fixture(file: string, lua: string): string {
  writeFileSync(join(dir, file), lua);
  return file;
}

describe('readLuaScript', () => {
  it('takes the number of keys from the header', () => {
    const lua = [
      '-- Moves a value.',
      '-- KEYS[1] from:{id}',
      '-- KEYS[2] to:{id}',
      '-- ARGV[1] ttl (ms)',
      "return redis.call('RENAME', KEYS[1], KEYS[2])",
      '',
    ].join('\n');
    const script = readLuaScript(dir, fixture('move.lua', lua));
    assert.deepEqual(script, { name: 'move', numberOfKeys: 2, lua });
  });

  it('counts up to the highest KEYS index, whatever the order and number of digits', () => {
    const header = ['--KEYS[2] b', '--   KEYS[10] j', '-- KEYS[1] a', '-- ARGV[12] not a key', 'return 1'];
    assert.equal(readLuaScript(dir, fixture('many.lua', header.join('\n'))).numberOfKeys, 10);
  });

  it('throws, naming the file, when the header lists no KEYS', () => {
    const file = fixture('no-keys.lua', '-- ARGV[1] a value\n-- returns it\nreturn ARGV[1]\n');
    assert.throws(() => readLuaScript(dir, file), /^Error: no-keys\.lua: header lists no KEYS$/);
  });

  it('supports `-- KEYS: variable` (numberOfKeys -1, the count is passed on each call)', () => {
    const file = fixture('touch-all.lua', '-- KEYS: variable\n-- ARGV[1] value\nreturn #KEYS\n');
    assert.equal(readLuaScript(dir, file).numberOfKeys, -1);
  });

  it('names the command after the file, kebab-case to camelCase', () => {
    const cases: [string, string][] = [
      ['begin-event.lua', 'beginEvent'],
      ['release-waiting-users.lua', 'releaseWaitingUsers'],
      ['unlock.lua', 'unlock'],
    ];
    for (const [file, name] of cases) {
      assert.equal(readLuaScript(dir, fixture(file, '-- KEYS[1] k\nreturn 1\n')).name, name, file);
    }
  });

  it('throws when the file does not exist', () => {
    assert.throws(() => readLuaScript(dir, 'missing.lua'), { code: 'ENOENT' });
  });
});

describe('luaDir', () => {
  it('maps a compiled module’s folder back to its source folder, where the .lua files are', () => {
    const compiled = pathToFileURL(join(tmpdir(), 'svc', 'dist', 'src', 'redis', 'scripts.js')).href;
    assert.equal(luaDir(compiled), `${join(tmpdir(), 'svc', 'src', 'redis')}${sep}`);
  });
});

describe('defineScripts on a real Redis', () => {
  const env = testEnv();
  const prefix = `${randomName('evh-test-lua')}:`;
  const prefixed = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'evh-test-lua' });
  const plain = createRedis({ url: env.redisUrl, name: 'evh-test-lua-plain' });
  const created: string[] = [];

  after(async () => {
    if (created.length > 0) await plain.del(...created);
    await Promise.all([prefixed.quit(), plain.quit()]);
  });

  type Commands = {
    setPair(k1: string, k2: string, value: string, extra: string): Promise<[string[], string[]]>;
    setAll(count: number, ...keysThenValue: string[]): Promise<number>;
  };

  it('runs the script with the header’s key count, and keyPrefix applies to its KEYS only', async () => {
    // A unique body, so Redis has never seen this SHA: the first call takes the EVAL fallback.
    const setPair = fixture(
      'set-pair.lua',
      [
        `-- ${randomName('unique')}`,
        '-- KEYS[1] first',
        '-- KEYS[2] second',
        '-- ARGV[1] value',
        '-- ARGV[2] extra, not a key',
        "redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)",
        "redis.call('SET', KEYS[2], ARGV[1], 'PX', 60000)",
        'return { KEYS, ARGV }',
      ].join('\n'),
    );
    defineScripts(prefixed, [readLuaScript(dir, setPair)]);
    const commands = prefixed as Redis & Commands;
    const [a, b] = [randomName('a'), randomName('b')];
    created.push(`${prefix}${a}`, `${prefix}${b}`);

    for (const value of ['v1', 'v2']) {
      // Twice: EVAL the first time, EVALSHA after.
      const [keys, argv] = await commands.setPair(a, b, value, 'extra');
      assert.deepEqual(keys, [`${prefix}${a}`, `${prefix}${b}`], 'the script sees the prefixed keys');
      assert.deepEqual(argv, [value, 'extra'], 'ARGV is neither counted as keys nor prefixed');
      assert.equal(await plain.get(`${prefix}${a}`), value);
      assert.equal(await plain.get(`${prefix}${b}`), value);
    }
    assert.equal(await plain.exists(a, b), 0, 'nothing was written under the unprefixed names');
    assert.equal(await prefixed.get(a), 'v2', 'the prefixed client reads its own keys back');
  });

  it('passes the key count of a `KEYS: variable` script per call, and prefixes those keys too', async () => {
    const setAll = fixture(
      'set-all.lua',
      [
        '-- KEYS: variable',
        '-- ARGV[1] value',
        "for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', 60000) end",
        'return #KEYS',
      ].join('\n'),
    );
    defineScripts(prefixed, [readLuaScript(dir, setAll)]);
    const commands = prefixed as Redis & Commands;
    const keys = [randomName('x'), randomName('y'), randomName('z')];
    created.push(...keys.map((k) => `${prefix}${k}`));

    assert.equal(await commands.setAll(3, ...keys, 'v'), 3);
    assert.deepEqual(await plain.mget(...keys.map((k) => `${prefix}${k}`)), ['v', 'v', 'v']);
    assert.equal(await plain.exists(...keys), 0);
    assert.equal(await commands.setAll(1, keys[0] ?? '', 'w'), 1);
    assert.deepEqual(await plain.mget(...keys.map((k) => `${prefix}${k}`)), ['w', 'v', 'v']);
  });
});
