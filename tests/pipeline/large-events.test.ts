import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { randomName } from '@evh/testing';
import { type PipelineFixture, range, startPipeline, waitForDrain } from './pipeline-fixture.js';

let f: PipelineFixture;
before(async () => {
  f = await startPipeline();
});
after(async () => {
  await f?.close();
});

test('a 4.5 MB batch for one user (one partition) is accepted and processed, not refused by Kafka', async () => {
  const userId = randomName('big');
  const blob = 'x'.repeat(45_000);
  const events = range(1, 100).map((seq) => ({ userId, type: 'big', payload: { seq, blob } }));
  const res = await f.post('/events/batch', { events });
  assert.equal(res.status, 202, JSON.stringify(res.json).slice(0, 300));
  assert.ok(res.json.results.every((r: { status: string }) => r.status === 'accepted'));
  await waitForDrain(f, 100);
  assert.deepEqual((await f.redis.lrange(k.order(userId), 0, -1)).map(Number), range(1, 100));
});

test('a body over MAX_BODY_BYTES is a 413, never a Kafka error', async () => {
  const res = await f.post('/events', {
    userId: 'u',
    type: 'huge',
    payload: { blob: 'x'.repeat(6 * 1024 * 1024) },
  });
  assert.equal(res.status, 413);
  assert.equal(res.json.code, 'BODY_TOO_LARGE');
});
