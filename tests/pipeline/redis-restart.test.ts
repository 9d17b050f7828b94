import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { type OwnServer, ownRedis, randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, range, startPipeline, waitForDrain } from './pipeline-fixture.js';

const USERS = 200;
const PER_USER = 50; // 10,000 events

let redis: OwnServer;
let f: PipelineFixture;
before(async () => {
  // Started by tests/infra/redis.sh as make up and make test start theirs: AOF, fsync once a second.
  redis = await ownRedis({ env: { REDIS_APPENDONLY: 'yes', REDIS_APPENDFSYNC: 'everysec' } });
  await redis.start();
  // A slow consumer (2 at a time) so that Redis dies mid-stream.
  f = await startPipeline({ CONSUMER_CONCURRENCY: '2' }, { redisUrl: redis.url });
});
after(async () => {
  await f?.close();
  await redis?.stop();
});

test('Redis SIGKILLed mid-stream and restarted on its AOF: every acknowledged event finalized once, in order, none dead-lettered', async () => {
  const users = range(1, USERS).map(() => randomName('aof'));
  const events = range(1, PER_USER).flatMap((seq) =>
    users.map((userId) => ({ userId, type: 'aof', payload: { seq } })),
  );
  const ids = await f.postAll(events, 500, 4);
  assert.equal(ids.length, USERS * PER_USER, 'every event acknowledged (202)');

  await waitFor('a third processed', async () => (await f.processedCount()) > ids.length / 3, {
    timeoutMs: 60_000,
  });
  const before = await f.processedCount();
  await redis.kill();
  const killedAt = Date.now();
  // Down long enough for the consumer to hit it on every call it makes.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await redis.start();
  const upMs = Date.now() - killedAt;
  // The test's own client reconnects too, on its own schedule.
  const after = await waitFor('the test client to reconnect', () => f.processedCount());
  assert.ok(after >= before, `processed counter went back from ${before} to ${after}: state lost`);
  await waitFor('processing again after the restart', async () => (await f.processedCount()) > after, {
    timeoutMs: 20_000,
  });
  const resumedMs = Date.now() - killedAt;

  try {
    await waitForDrain(f, ids.length, 120_000);
  } catch (err) {
    // How far it got, and what the consumer said, for a run that stalls.
    const state = {
      processed: await f.processedCount(),
      lag: await f.lag(),
      inflight: (await f.inflightKeys()).length,
    };
    throw new Error(
      `${(err as Error).message}: ${JSON.stringify(state)}\n--- consumer ---\n${f.consumer.output().slice(-6000)}`,
    );
  }
  const pipeline = f.redis.pipeline();
  for (const id of ids) pipeline.hmget(k.event(id), 'status', 'attempts');
  const rows = (await pipeline.exec()) ?? [];
  const lost = rows.filter(([, v]) => (v as string[])[0] !== 'processed').length;
  const retried = rows.filter(([, v]) => (v as string[])[1] !== '1').length;
  let disordered = 0;
  for (const u of users) {
    const order = (await f.redis.lrange(k.order(u), 0, -1)).map(Number);
    if (JSON.stringify(order) !== JSON.stringify(range(1, PER_USER))) disordered++;
  }
  const counters = await f.redis.hgetall(k.counters());
  console.log(
    `Redis SIGKILL mid-stream (${before} of ${ids.length} processed; up again after ${(upMs / 1000).toFixed(1)} s, ` +
      `processing again after ${(resumedMs / 1000).toFixed(1)} s): ${ids.length} acknowledged, ` +
      `${ids.length - lost} finalized, ${counters.processed} counted processed, ${lost} lost, ` +
      `${Number(counters.processed) - ids.length} duplicated, ${retried} with attempts ≠ 1, ${disordered} users out of order, ` +
      `${counters.failed ?? 0} failed, ${await f.redis.llen(k.dlqList())} dead-lettered, gaps skipped ${counters.gapsSkipped ?? 0}`,
  );
  assert.equal(lost, 0, 'every acknowledged event finalized as processed');
  assert.equal(
    Number(counters.processed),
    ids.length,
    'the processed counter equals the events sent: none twice',
  );
  assert.equal(retried, 0, 'attempts is 1 for every event: Redis down is not an attempt');
  assert.equal(disordered, 0, 'every user’s order list is 1…50, strictly increasing, no duplicates');
  assert.equal(counters.failed, undefined, 'nothing failed');
  assert.equal(await f.redis.llen(k.dlqList()), 0, 'nothing dead-lettered');
  await waitFor('no inflight:* left', async () => (await f.inflightKeys()).length === 0);
  assert.equal(await f.lag(), 0);
});
