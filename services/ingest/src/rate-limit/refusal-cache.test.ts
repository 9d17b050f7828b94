import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minuteOf } from '@evh/quota';
import { createRefusalCache, MAX_REMEMBERED_MS } from './refusal-cache.js';

const t0 = 1_700_000_000_000;

test('a refusal is remembered until the retry-after, then forgotten', () => {
  const cache = createRefusalCache();
  assert.equal(cache.refusedFor('p', t0), 0);
  cache.remember('p', t0, 10);
  assert.equal(cache.refusedFor('p', t0 + 4), 6);
  assert.equal(cache.refusedFor('other', t0 + 4), 0);
  assert.equal(cache.refusedFor('p', t0 + 10), 0);
  assert.equal(cache.refusedFor('p', t0 + 5), 0, 'forgotten once expired');
});

test('a far retry-after is remembered a second at most; none is not remembered', () => {
  const cache = createRefusalCache();
  cache.remember('slow', t0, 60_000);
  assert.equal(cache.refusedFor('slow', t0), MAX_REMEMBERED_MS);
  cache.remember('zero', t0, 0);
  assert.equal(cache.refusedFor('zero', t0), 0);
});

test('counts are per project and minute, taken once, and put back after a failed flush', () => {
  const cache = createRefusalCache();
  cache.count('p', t0);
  cache.count('p', t0 + 1);
  cache.count('q', t0);
  cache.count('p', t0 + 60_000);
  const taken = cache.take();
  assert.deepEqual(
    taken.map((c) => [c.projectId, c.minute - minuteOf(t0), c.count]),
    [
      ['p', 0, 2],
      ['q', 0, 1],
      ['p', 1, 1],
    ],
  );
  assert.deepEqual(cache.take(), []);
  cache.restore(taken);
  cache.count('q', t0);
  assert.deepEqual(
    cache.take().map((c) => [c.projectId, c.count]),
    [
      ['p', 2],
      ['q', 2],
      ['p', 1],
    ],
  );
});
