import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { createRedis, jobKeys, jobRecord, type LiveJobWrite, type Redis, readRecord } from '@evh/redis';
import { randomName, testEnv } from '@evh/testing';
import { consumerErrors } from '../src/errors.js';
import { createJobStore } from '../src/jobs/job-store.js';

const env = testEnv();
const prefix = `${randomName('evh-test-job-store')}:`;
const redis: Redis = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'evh-test-job-store' });
const store = createJobStore(redis, { keyPrefix: prefix, now: () => 1_700_000_000_000 });
const bounds = { lines: 100, bytes: 10_000 };

after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  await redis.quit();
});

/** A job as the ingest queues it. */
async function queued(fields: LiveJobWrite = {}): Promise<string> {
  const jobId = randomUUID();
  const job: LiveJobWrite = {
    id: jobId,
    fileName: 'a.log',
    format: 'payment-log',
    size: 200,
    projectId: '',
    storageKey: `uploads/${jobId}/a.log`,
    status: 'queued',
    createdAt: 1_699_999_000_000,
    percent: 0,
    ...fields,
  };
  await redis.hset(jobKeys.job(jobId), job);
  return jobId;
}

test('start reads the whole record through its schema and moves a queued job to processing', async () => {
  const jobId = await queued();
  const start = await store.start(jobId, bounds);
  assert.deepEqual(start, {
    status: 'queued',
    storageKey: `uploads/${jobId}/a.log`,
    format: 'payment-log',
    checkpointOffset: 0,
    checkpointLine: 0,
    readDone: false,
    projectId: null,
    fileName: 'a.log',
    chunk: bounds,
    createdAt: 1_699_999_000_000,
    size: 200,
  });
  const job = await readRecord(redis, jobRecord, jobKeys.job(jobId));
  assert.equal(job?.status, 'processing');
  assert.equal(job?.startedAt, 1_700_000_000_000);
  // The bounds are the job's from now on, whatever a later start is given.
  assert.deepEqual((await store.start(jobId, { lines: 1, bytes: 1 }))?.chunk, bounds);
});

test('start is null for no record and for a remnant without its id; RECORD_INVALID for a corrupt one', async () => {
  assert.equal(await store.start(randomUUID(), bounds), null);
  const remnant = randomUUID();
  await redis.hset(jobKeys.job(remnant), { processed: 3 });
  assert.equal(await store.start(remnant, bounds), null);
  const corrupt = await queued({ size: 'big' });
  await assert.rejects(store.start(corrupt, bounds), (err: unknown) => {
    return isCodedError(err) && err.code === 'RECORD_INVALID' && err.message.includes('size');
  });
});

test('a failed job stores its code and its message in fields of their own, once', async () => {
  const jobId = await queued();
  await store.start(jobId, bounds);
  assert.equal(
    await store.fail(jobId, consumerErrors.FILE_MISSING('uploads/x is not in object storage')),
    true,
  );
  const job = await readRecord(redis, jobRecord, jobKeys.job(jobId));
  assert.equal(job?.status, 'failed');
  assert.equal(job?.errorCode, 'FILE_MISSING');
  assert.equal(job?.error, 'uploads/x is not in object storage');
  assert.equal(job?.finishedAt, 1_700_000_000_000);
  // A job that already ended keeps its first failure.
  assert.equal(await store.fail(jobId, { code: 'OTHER', message: 'later' }), false);
  assert.equal((await readRecord(redis, jobRecord, jobKeys.job(jobId)))?.errorCode, 'FILE_MISSING');
});

test('checkpoint and totals write and read the counts through the record', async () => {
  const jobId = await queued();
  await store.start(jobId, bounds);
  const checkpoint = { offset: 120, line: 6, invalidReasons: new Map(), invalidSamples: [], anomalies: [] };
  await store.checkpoint(jobId, null, { ...checkpoint, valid: 5, invalid: 1 });
  await store.checkpoint(jobId, null, { ...checkpoint, offset: 200, line: 10, valid: 3, invalid: 1 });
  assert.deepEqual(await store.totals(jobId), { valid: 8, invalid: 2 });
  const job = await readRecord(redis, jobRecord, jobKeys.job(jobId));
  assert.deepEqual(
    [job?.bytesRead, job?.linesRead, job?.checkpointOffset, job?.checkpointLine],
    [200, 10, 200, 10],
  );
});
