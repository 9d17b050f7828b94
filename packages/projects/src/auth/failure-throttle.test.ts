import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFailureThrottle } from './failure-throttle.js';

test('an address is refused after limit failures until its window ends; others are not', () => {
  let t = 0;
  const th = createFailureThrottle({ limit: 3, windowMs: 1000, now: () => t, maxAddresses: 2 });
  th.fail('a');
  th.fail('a');
  assert.equal(th.blockedFor('a'), 0);
  th.fail('a');
  t = 400;
  assert.equal(th.blockedFor('a'), 600);
  assert.equal(th.blockedFor('b'), 0);
  t = 1000;
  assert.equal(th.blockedFor('a'), 0, 'a new window');
  th.fail('b');
  th.fail('c');
  th.fail('d');
  assert.equal(th.blockedFor('b'), 0);
});
