import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIssueNumbers } from './issue-numbers.js';

function counting() {
  const asked: string[] = [];
  const numbers = new Map<string, number>();
  const open = async (projectId: string, fingerprint: string) => {
    asked.push(`${projectId}/${fingerprint}`);
    const key = `${projectId}/${fingerprint}`;
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    return numbers.get(key) as number;
  };
  return { asked, numbers, open };
}

test('a known fingerprint is answered without asking Redis again', async () => {
  const redis = counting();
  const issues = createIssueNumbers(redis.open);
  assert.equal(await issues.get('p', 'f1'), 1);
  assert.equal(await issues.get('p', 'f1'), 1);
  assert.equal(await issues.get('p', 'f2'), 2);
  assert.deepEqual(redis.asked, ['p/f1', 'p/f2']);
});

test('the same fingerprint in two projects is two entries', async () => {
  const redis = counting();
  const issues = createIssueNumbers(redis.open);
  await issues.get('p', 'f');
  await issues.get('q', 'f');
  assert.deepEqual(redis.asked, ['p/f', 'q/f']);
});

test('refresh asks again and keeps the new answer', async () => {
  const redis = counting();
  const issues = createIssueNumbers(redis.open);
  assert.equal(await issues.get('p', 'f'), 1);
  redis.numbers.set('p/f', 7); // Redis was replaced and numbered it anew
  assert.equal(await issues.refresh('p', 'f'), 7);
  assert.equal(await issues.get('p', 'f'), 7);
  assert.equal(redis.asked.length, 2);
});

test('at most max fingerprints are kept, the oldest forgotten first', async () => {
  const redis = counting();
  const issues = createIssueNumbers(redis.open, 2);
  await issues.get('p', 'a');
  await issues.get('p', 'b');
  await issues.get('p', 'c');
  assert.equal(issues.size, 2);
  await issues.get('p', 'b');
  assert.equal(redis.asked.length, 3, 'b is still known');
  await issues.get('p', 'a');
  assert.equal(redis.asked.length, 4, 'a was forgotten');
});

test('a failed lookup is not remembered', async () => {
  let fail = true;
  const issues = createIssueNumbers(async () => {
    if (fail) throw new Error('redis down');
    return 3;
  });
  await assert.rejects(issues.get('p', 'f'), /redis down/);
  fail = false;
  assert.equal(await issues.get('p', 'f'), 3);
});
