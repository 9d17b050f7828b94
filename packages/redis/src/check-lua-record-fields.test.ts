import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { checkLuaRecordFields, luaRecordFieldUses } from './check-lua-record-fields.js';
import { defineRecord } from './define-record.js';
import { luaHashCalls } from './lua-hash-calls.js';
import { recordField as f } from './record-fields.js';

const job = defineRecord({
  name: 'job',
  identity: 'id',
  headerKey: /^job:\{[^}]*\}$/,
  schema: z.object({ id: f.text(), status: f.text(), valid: f.int(), percent: f.int() }),
});
const records = [job];

const script = (...body: string[]) => ({
  file: 'x.lua',
  source: [
    '-- Does things to a job.',
    '-- KEYS[1] job:{id}',
    '-- KEYS[2] job:{id}:chunk:{line}  (a marker, not the job)',
    '-- KEYS[3] counters:events',
    '-- returns 1',
    ...body,
  ].join('\n'),
});

describe('luaHashCalls', () => {
  it('finds each hash command with its key and field arguments, across lines and around comments', () => {
    const calls = luaHashCalls(
      [
        "local j = redis.call('HMGET', KEYS[1], 'valid', 'status') -- HSET in a comment, 'x'",
        "redis.call('HSET', KEYS[1], 'status', 'done, really', -- the values are not fields",
        "  'percent', math.min(100, tonumber(j[1]) or 0))",
        "redis.call('HINCRBY', KEYS[1], 'valid', 1)",
        "redis.pcall('hdel', KEYS[3], ARGV[1])",
        "redis.call('SET', KEYS[2], 1)",
      ].join('\n'),
    );
    assert.deepEqual(
      calls.map((c) => [c.command, c.key, c.fields, c.line]),
      [
        ['HMGET', 'KEYS[1]', [{ literal: 'valid' }, { literal: 'status' }], 1],
        ['HSET', 'KEYS[1]', [{ literal: 'status' }, { literal: 'percent' }], 2],
        ['HINCRBY', 'KEYS[1]', [{ literal: 'valid' }], 4],
        ['HDEL', 'KEYS[3]', [{ expression: 'ARGV[1]' }], 5],
      ],
    );
  });
});

describe('checkLuaRecordFields', () => {
  it('finds nothing when every field named on the record key is the record’s', () => {
    const s = script(
      "redis.call('HSET', KEYS[1], 'status', 'done', 'percent', 100)",
      "redis.call('HINCRBY', KEYS[3], 'late', 1)",
    );
    assert.deepEqual(checkLuaRecordFields(s, { records }), []);
  });

  it('names a field the schema does not have, and a field named by an expression', () => {
    const s = script(
      "redis.call('HSET', KEYS[1], 'status', 'done', 'percnt', 100)",
      "redis.call('HGET', KEYS[1], ARGV[1])",
    );
    assert.deepEqual(checkLuaRecordFields(s, { records }), [
      'x.lua:6: HSET KEYS[1] (the job record) names percnt, which is not a field of its schema',
      'x.lua:7: HGET KEYS[1] (the job record) names a field by `ARGV[1]`, not literally',
    ]);
  });

  it('does not take a key whose header only begins like the record’s (a marker) for the record', () => {
    assert.deepEqual(
      checkLuaRecordFields(script("redis.call('HSET', KEYS[2], 'anything', 1)"), { records }),
      [],
    );
  });

  it('follows a local alias of KEYS[n], and a key variable it is told of', () => {
    const aliased = script('local jk = KEYS[1]', "redis.call('HSET', jk, 'nope', 1)");
    assert.equal(checkLuaRecordFields(aliased, { records }).length, 1);
    const variadic = script('local ek = KEYS[k + 1]', "redis.call('HSET', ek, 'nope', 1)");
    assert.deepEqual(checkLuaRecordFields(variadic, { records }), []);
    assert.equal(checkLuaRecordFields(variadic, { records, keyVariables: { ek: 'job' } }).length, 1);
  });

  it('lists the uses it checked, for the other direction', () => {
    const s = script(
      "redis.call('HSET', KEYS[1], 'status', 'done')",
      "redis.call('HMGET', KEYS[1], 'valid')",
    );
    assert.deepEqual(
      luaRecordFieldUses(s, { records }).map((u) => [u.record.name, u.field]),
      [
        ['job', { literal: 'status' }],
        ['job', { literal: 'valid' }],
      ],
    );
  });
});
