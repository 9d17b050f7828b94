import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { z } from 'zod';
import { defineRecord, hashOfPairs } from './define-record.js';
import { recordField as f } from './record-fields.js';

const thing = defineRecord({
  name: 'thing',
  identity: 'id',
  headerKey: /^thing:\{[^}]*\}$/,
  schema: z.object({
    id: f.text(),
    count: f.int().default(0),
    done: f.flag().default(false),
    owner: f.textOrNone().default(null),
    body: f.json().optional(),
    at: f.int().optional(),
  }),
});

const invalid = (field: string) => (err: unknown) =>
  isCodedError(err) &&
  err.code === 'RECORD_INVALID' &&
  err.message.includes('thing:{1}') &&
  err.message.includes(field);

describe('defineRecord', () => {
  it('lists the fields in schema order', () => {
    assert.deepEqual(thing.fields, ['id', 'count', 'done', 'owner', 'body', 'at']);
  });

  it('parses stored strings into typed values, and gives absent fields their defaults', () => {
    assert.deepEqual(
      thing.parse({ id: '1', count: '12', done: '1', owner: 'me', body: '{"a":1}' }, 'thing:{1}'),
      {
        id: '1',
        count: 12,
        done: true,
        owner: 'me',
        body: { a: 1 },
      },
    );
    assert.deepEqual(thing.parse({ id: '1', owner: '' }, 'thing:{1}'), {
      id: '1',
      count: 0,
      done: false,
      owner: null,
    });
  });

  it('drops fields the schema does not have', () => {
    assert.deepEqual(thing.parse({ id: '1', stray: 'x' }, 'thing:{1}'), {
      id: '1',
      count: 0,
      done: false,
      owner: null,
    });
  });

  it('is null for no hash, and for a hash without its identity field', () => {
    assert.equal(thing.parse({}, 'thing:{1}'), null);
    assert.equal(thing.parse({ count: '3' }, 'thing:{1}'), null);
  });

  it('refuses a value that does not fit with RECORD_INVALID, naming the key and the field', () => {
    assert.throws(() => thing.parse({ id: '1', count: 'NaN' }, 'thing:{1}'), invalid('count'));
    assert.throws(() => thing.parse({ id: '1', count: '' }, 'thing:{1}'), invalid('count'));
    assert.throws(() => thing.parse({ id: '1', count: '1.5' }, 'thing:{1}'), invalid('count'));
    assert.throws(() => thing.parse({ id: '1', done: 'yes' }, 'thing:{1}'), invalid('done'));
    assert.throws(() => thing.parse({ id: '1', body: '{' }, 'thing:{1}'), invalid('body'));
    assert.throws(() => thing.parse({ id: '1', at: '99999999999999999999' }, 'thing:{1}'), invalid('at'));
  });

  it('parses an HMGET of some fields, absent ones by their defaults', () => {
    assert.deepEqual(thing.parseFields(['count', 'done'], ['4', null], 'thing:{1}'), {
      count: 4,
      done: false,
    });
    assert.throws(() => thing.parseFields(['count'], ['x'], 'thing:{1}'), invalid('count'));
  });
});

describe('hashOfPairs', () => {
  it('turns a flat HGETALL reply into a hash', () => {
    assert.deepEqual(hashOfPairs(['a', '1', 'b', '2']), { a: '1', b: '2' });
    assert.deepEqual(hashOfPairs([]), {});
  });
});
