import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { type EventMessage, LOG_CHUNK_KIND, type LogChunk, logChunkId } from '@evh/events';
import { analyticsKeys as ak, createRedis, jobKeys, type LiveJobWrite, type Redis } from '@evh/redis';
import { randomName, testEnv } from '@evh/testing';
import { createLogChunkHandler } from '../src/jobs/log-chunk-handler.js';

const env = testEnv();
const prefix = `${randomName('evh-test-chunks')}:`;
const redis: Redis = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'evh-test-chunks' });
const handler = createLogChunkHandler({ redis, keyPrefix: prefix, retentionMs: 60_000 });

after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  await redis.quit();
});

function chunkEvent(chunk: LogChunk): EventMessage {
  return {
    id: logChunkId(chunk.jobId, chunk.firstLine),
    userId: '',
    type: LOG_CHUNK_KIND,
    kind: LOG_CHUNK_KIND,
    payload: {},
    timestamp: Date.now(),
    chunk,
  } as EventMessage;
}

function chunkOf(jobId: string, firstLine: number, projectId: string | null = null): LogChunk {
  return {
    jobId,
    projectId,
    firstLine,
    lastLine: firstLine + 3,
    lines: 3,
    startOffset: 0,
    endOffset: 100,
    statuses: [
      ['SUCCESS', 2],
      ['FAILURE', 1],
    ],
    services: [['Svc', 3]],
    users: [
      ['__proto__', 2],
      ['u2', 1],
    ],
    hours: [
      [0, 1],
      [13, 2],
    ],
  };
}

test('a chunk applied twice (apply ran, finalize did not) is counted once; the next one adds', async () => {
  const jobId = randomUUID();
  const projectId = randomName('proj');
  await redis.hset(jobKeys.job(jobId), {
    status: 'processing',
    valid: 6,
    size: 200,
    bytesRead: 200,
  } satisfies LiveJobWrite);
  const first = chunkEvent(chunkOf(jobId, 1, projectId));
  await handler(first);
  await handler(first);
  assert.equal(await redis.hget(jobKeys.job(jobId), 'processed'), '3');
  for (const scope of [`job:${jobId}`, `project:${projectId}`] as const) {
    assert.deepEqual(await redis.hgetall(ak.statuses(scope)), { SUCCESS: '2', FAILURE: '1' }, scope);
    assert.deepEqual(await redis.zrange(ak.users(scope), 0, -1, 'WITHSCORES'), [
      '__proto__',
      '-2',
      'u2',
      '-1',
    ]);
    assert.deepEqual(await redis.hgetall(ak.hours(scope)), { '0': '1', '13': '2' });
  }
  assert.equal(await redis.hget(jobKeys.job(jobId), 'percent'), '49');

  // Read to the end (finish-reading's state): the last chunk completes the job.
  await redis.hset(jobKeys.job(jobId), 'readDone', 1);
  await handler(chunkEvent(chunkOf(jobId, 5, projectId)));
  const job = await redis.hgetall(jobKeys.job(jobId));
  assert.equal(job.processed, '6');
  assert.equal(job.status, 'completed');
  assert.equal(job.percent, '100');
  assert.deepEqual(await redis.hgetall(ak.statuses(`job:${jobId}`)), { SUCCESS: '4', FAILURE: '2' });
  assert.deepEqual(await redis.zrange(ak.services(`job:${jobId}`), 0, -1, 'WITHSCORES'), ['Svc', '-6']);
});

test('a chunk that is not one is rejected with a code, not retried', async () => {
  const bad = { ...chunkEvent(chunkOf(randomUUID(), 1)), chunk: { jobId: 'x' } } as EventMessage;
  await assert.rejects(handler(bad), (err: { code?: string; retriable?: boolean }) => {
    assert.equal(err.code, 'INVALID_MESSAGE');
    assert.equal(err.retriable, false);
    return true;
  });
});
