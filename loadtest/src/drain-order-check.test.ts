import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkOrder, orderIsExact } from './drain-order-check.js';

const expected = new Map([
  ['a', 3],
  ['b', 2],
]);

test('exactly 1..n for every user passes', () => {
  const check = checkOrder(
    expected,
    new Map([
      ['a', ['1', '2', '3']],
      ['b', ['1', '2']],
    ]),
  );
  assert.deepEqual(check, { seen: 5, missing: 0, duplicated: 0, outOfOrder: 0 });
  assert.ok(orderIsExact(check));
});

test('a lost, a repeated and a swapped seq are each counted', () => {
  const check = checkOrder(
    expected,
    new Map([
      ['a', ['2', '1', '3', '3']],
      ['b', ['1']],
    ]),
  );
  assert.deepEqual(check, { seen: 5, missing: 1, duplicated: 1, outOfOrder: 2 });
  assert.ok(!orderIsExact(check));
});

test('a user with no list at all is missing all of its events', () => {
  const check = checkOrder(expected, new Map([['a', ['1', '2', '3']]]));
  assert.equal(check.missing, 2);
});
