import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLuaHeader, type LuaHeaderSubject } from './check-lua-header.js';

const lockHeader = [
  '-- Takes a lock.',
  '-- KEYS[1] dedup:{eventId}',
  '-- KEYS[2] inflight:{eventId}',
  '-- ARGV[1] lock token (unique per consumer process)',
  '-- ARGV[2] lock expiry (ms)',
  '-- returns 1 when taken',
  "return redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2])",
];

function subject(lines: string[], spec: Partial<LuaHeaderSubject> = {}): LuaHeaderSubject {
  return {
    file: 'take-lock.lua',
    source: lines.join('\n'),
    keys: ['dedup', 'inflight'],
    argv: ['lockToken', 'lockExpiry'],
    ...spec,
  };
}

describe('checkLuaHeader', () => {
  it('finds nothing when each header line names its spec entry, in order', () => {
    assert.deepEqual(checkLuaHeader(subject(lockHeader)), []);
  });

  it('compares lowercased, letters and digits only, and allows more words than the name', () => {
    const lines = ['-- KEYS[1] seq:next:{userId}', '-- ARGV[1] LOCK-TOKEN', '-- returns 1'];
    assert.deepEqual(checkLuaHeader(subject(lines, { keys: ['seqNext'], argv: ['lockToken'] })), []);
  });

  it('names the line whose description does not mention its name (swapped keys)', () => {
    assert.deepEqual(checkLuaHeader(subject(lockHeader, { keys: ['inflight', 'dedup'] })), [
      'take-lock.lua: KEYS[1] should name inflight, the header says "dedup:{eventId}"',
      'take-lock.lua: KEYS[2] should name dedup, the header says "inflight:{eventId}"',
    ]);
  });

  it('reports a spec entry without a header line, and a header line without a spec entry', () => {
    assert.deepEqual(checkLuaHeader(subject(lockHeader, { argv: ['lockToken', 'lockExpiry', 'now'] })), [
      'take-lock.lua: ARGV[3] now has no header line',
    ]);
    assert.deepEqual(checkLuaHeader(subject(lockHeader, { keys: ['dedup'] })), [
      'take-lock.lua: KEYS[2] is in the header, but the spec names 1 KEYS',
    ]);
  });

  it('reports header lines out of order or misnumbered', () => {
    const lines = ['-- KEYS[2] inflight:{eventId}', '-- KEYS[1] dedup:{eventId}', ...lockHeader.slice(3)];
    assert.deepEqual(checkLuaHeader(subject(lines)), [
      "take-lock.lua: KEYS[1] dedup: the header's line 1 is KEYS[2]",
      "take-lock.lua: KEYS[2] inflight: the header's line 2 is KEYS[1]",
    ]);
  });

  it('needs a line documenting the variable part of a variadic script, after the named ones', () => {
    const lines = [
      '-- KEYS: variable',
      '-- KEYS[1]  crash:{p}:applied:{eventId}',
      '-- KEYS[2…] crash:{p}:search:{word}, one per word',
      '-- ARGV[1]  retention (ms)',
      '-- ARGV[2]  k, the number of matched counters',
      '-- ARGV[3…2+k] their names',
      '-- returns 1',
    ];
    const spec = { keys: ['applied'], argv: ['retention', 'k'] };
    assert.deepEqual(checkLuaHeader(subject(lines, { ...spec, variadic: 'both' })), []);
    assert.deepEqual(checkLuaHeader(subject(lines, { ...spec, variadic: 'keys' })), [
      'take-lock.lua: ARGV[3…2+k] is in the header, but the spec names 2 ARGV',
    ]);
    assert.deepEqual(
      checkLuaHeader(
        subject(lines.slice(0, 3).concat(lines.slice(6)), { keys: ['applied'], argv: [], variadic: 'both' }),
      ),
      ['take-lock.lua: ARGV is variadic, but no header line after ARGV[0] documents the variable part'],
    );
  });

  it('flags `KEYS: variable` in the header of a script whose spec has fixed keys', () => {
    const lines = ['-- KEYS: variable', ...lockHeader];
    assert.deepEqual(checkLuaHeader(subject(lines)), [
      'take-lock.lua: the header says `KEYS: variable`, but the spec does not make its keys variadic',
    ]);
  });

  it('reads only the leading comment block, and needs a `returns` line in it', () => {
    const lines = [...lockHeader.slice(0, 5), 'local x = 1', '-- returns 1', '-- KEYS[3] later'];
    assert.deepEqual(checkLuaHeader(subject(lines)), ['take-lock.lua: the header has no `-- returns` line']);
  });

  it('reports every named entry of a script without a header', () => {
    assert.deepEqual(checkLuaHeader(subject(['return 1'], { argv: [] })), [
      'take-lock.lua: KEYS[1] dedup has no header line',
      'take-lock.lua: KEYS[2] inflight has no header line',
      'take-lock.lua: the header has no `-- returns` line',
    ]);
  });
});
