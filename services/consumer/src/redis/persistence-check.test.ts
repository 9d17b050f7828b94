import assert from 'node:assert/strict';
import { test } from 'node:test';
import { persistenceProblem } from './persistence-check.js';

test('the consumer warns when Redis persistence cannot back its offset commits', () => {
  const cases: [string, string, number, RegExp | undefined][] = [
    ['yes', 'everysec', 2000, undefined],
    ['yes', 'everysec', 0, /can lose the last 2000 ms/],
    ['yes', 'always', 0, undefined],
    ['yes', 'no', 2000, /can lose the last 30000 ms/],
    ['no', 'everysec', 2000, /no AOF/],
  ];
  for (const [appendonly, appendfsync, durable, problem] of cases) {
    const found = persistenceProblem({ appendonly, appendfsync }, durable);
    if (problem) assert.match(found ?? '', problem, `${appendonly}/${appendfsync}/${durable}`);
    else assert.equal(found, undefined, `${appendonly}/${appendfsync}/${durable}`);
  }
});
