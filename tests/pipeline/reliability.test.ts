import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, range, startPipeline, waitForDrain } from './pipeline-fixture.js';

const USERS = 200;
const PER_USER = 50; // 10,000 events

let f: PipelineFixture;
before(async () => {
  // A slow consumer (2 at a time) so that the interruptions land mid-stream.
  f = await startPipeline({ CONSUMER_CONCURRENCY: '2' });
});
after(async () => {
  await f?.close();
});

async function assertExactlyOnce(ids: string[], users: string[]) {
  assert.equal(await f.processedCount(), ids.length, 'processed counter equals events sent: none twice');
  const pipeline = f.redis.pipeline();
  for (const id of ids) pipeline.hmget(k.event(id), 'status', 'attempts');
  const rows = (await pipeline.exec()) ?? [];
  const notProcessed = rows.filter(([, v]) => (v as string[])[0] !== 'processed').length;
  const retried = rows.filter(([, v]) => (v as string[])[1] !== '1').length;
  assert.equal(notProcessed, 0, 'every event finalized as processed: none lost');
  assert.equal(retried, 0, 'attempts is 1 for every event');
  for (const u of users) {
    assert.deepEqual((await f.redis.lrange(k.order(u), 0, -1)).map(Number), range(1, PER_USER), u);
  }
  assert.equal(await f.lag(), 0);
  assert.deepEqual(await f.inflightKeys(), [], 'no inflight:* left behind');
}

test('SIGTERM mid-stream, then SIGKILL mid-stream: 10,000 events, none lost, none twice', async () => {
  const users = range(1, USERS).map(() => randomName('rel'));
  const events = range(1, PER_USER).flatMap((seq) =>
    users.map((userId) => ({ userId, type: 'rel', payload: { seq } })),
  );
  const ids = await f.postAll(events, 500, 4);
  assert.equal(ids.length, USERS * PER_USER);

  await waitFor('a quarter processed', async () => (await f.processedCount()) > ids.length / 4, {
    timeoutMs: 60_000,
  });
  const term = await f.consumer.stop('SIGTERM');
  assert.equal(term.code, 0, `graceful exit code (output: ${f.consumer.output().slice(-2000)})`);
  assert.ok(term.ms < 10_000, `SIGTERM exit took ${term.ms} ms`);
  assert.deepEqual(await f.inflightKeys(), [], 'a terminated consumer leaves no inflight key');

  const stoppedAt = await f.processedCount();
  const restartedAt = Date.now();
  await f.startConsumer();
  await waitFor('processing again after the restart', async () => (await f.processedCount()) > stoppedAt);
  const resumeMs = Date.now() - restartedAt;
  assert.ok(resumeMs < 5000, `processing resumed ${resumeMs} ms after restart`);

  await waitFor('two thirds processed', async () => (await f.processedCount()) > (ids.length * 2) / 3, {
    timeoutMs: 60_000,
  });
  const kill = await f.consumer.stop('SIGKILL');
  assert.equal(kill.signal, 'SIGKILL');
  await f.startConsumer();

  await waitForDrain(f, ids.length, 90_000);
  await waitFor(
    'stale locks of the killed consumer to be gone',
    async () => (await f.inflightKeys()).length === 0,
  );
  await assertExactlyOnce(ids, users);
});
