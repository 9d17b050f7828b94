import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BatchingProducer, createBatchingProducer, createKafkaClient } from '@evh/kafka';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis, jobKeys, type Redis } from '@evh/redis';
import { createLocalStore } from '@evh/storage';
import { createMetricsRegistry } from '@evh/telemetry';
import { randomName, testEnv, waitFor } from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildIngestApp } from '../src/app.js';
import { createEventPublisher } from '../src/event-publisher.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createRateLimiter } from '../src/rate-limit/rate-limiter.js';
import { createJobRegistry } from '../src/uploads/job-registry.js';

const env = testEnv();
const logger = createLogger('upload-test', 'silent');
const jobsTopic = randomName('jobs');
const dir = mkdtempSync(join(tmpdir(), 'upload-test-'));
const MAX = 4096;

let redis: Redis;
let app: FastifyInstance;
let batching: BatchingProducer;
const closers: (() => Promise<unknown>)[] = [];

/** A multipart/form-data body, built by hand so the test controls every byte. */
function multipart(parts: { name: string; value: string | Buffer; filename?: string; type?: string }[]) {
  const boundary = `----evh${Date.now()}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const type = p.filename === undefined ? '' : `Content-Type: ${p.type ?? 'text/plain'}\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const upload = (parts: Parameters<typeof multipart>[0]) =>
  app.inject({ method: 'POST', url: '/api/v1/files/upload', ...multipart(parts) });

before(async () => {
  const kafka = createKafkaClient({ clientId: 'upload-test', brokers: env.kafkaBrokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([{ topic: jobsTopic, numPartitions: 1 }]);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  closers.push(() => producer.disconnect());
  batching = createBatchingProducer(producer, {
    lingerMs: 1,
    maxBatchMessages: 100,
    sendTimeoutMs: 5000,
  });
  redis = createRedis({ url: env.redisUrl, keyPrefix: `${randomName('up')}:`, name: 'upload-test' });
  await redis.connect();
  closers.push(() => redis.quit());
  const registry = createMetricsRegistry('ingest');
  app = await buildIngestApp({
    // Not about auth: the routes are open here.
    auth: authOff(),
    logger,
    rateLimiter: createRateLimiter(redis, { limit: 100, windowMs: 1000 }),
    publisher: createEventPublisher(batching, randomName('events')),
    metrics: createIngestMetrics(registry),
    registry,
    readiness: {},
    bodyLimit: 64 * 1024,
    uploads: {
      store: createLocalStore(dir),
      jobs: createJobRegistry(redis, 60_000),
      producer: batching,
      jobsTopic,
    },
    maxUploadBytes: MAX,
    corsOrigin: '*',
  });
  closers.push(() => app.close());
  closers.push(() => batching.close());

  // Every queued job id that reaches the jobs topic, for the assertions below.
  const consumer = kafka.consumer({
    groupId: randomName('g'),
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    maxWaitTimeMs: 100,
  });
  closers.push(() => consumer.disconnect());
  const running = await consumer.run({
    topics: [jobsTopic],
    fromBeginning: true,
    partitionsConsumedConcurrently: 1,
    logger,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) queued.add(JSON.parse(message.value?.toString() ?? '{}').jobId);
    },
  });
  closers.push(async () => running.stop());
});
const queued = new Set<string>();

after(async () => {
  for (const close of closers.reverse()) await close();
});

describe('POST /api/v1/files/upload', () => {
  test('a .log file is stored byte for byte, recorded as a queued job, and queued on Kafka', async () => {
    const content = '2025-07-22T22:33:41Z SUCCESS PaymentGateway user251 Payment processed successfully.\n';
    const res = await upload([
      { name: 'projectId', value: 'shop' },
      { name: 'file', value: content, filename: 'payments.log' },
    ]);
    assert.equal(res.statusCode, 202, res.body);
    const { job_id: jobId } = res.json();
    assert.match(jobId, /^[0-9a-f-]{36}$/);
    const job = await redis.hgetall(jobKeys.job(jobId));
    assert.equal(job.status, 'queued');
    assert.equal(job.fileName, 'payments.log');
    assert.equal(job.format, 'payment-log');
    assert.equal(job.projectId, 'shop');
    assert.equal(Number(job.size), Buffer.byteLength(content));
    assert.equal(readFileSync(join(dir, job.storageKey ?? '')).toString(), content);
    await waitFor('the job on the jobs topic', () => queued.has(jobId));
  });

  test('.jsonl is accepted as jsonl; a path in the file name is dropped', async () => {
    const res = await upload([
      { name: 'file', value: '{"a":1}\n', filename: '../../etc/x.jsonl', type: 'application/x-ndjson' },
    ]);
    assert.equal(res.statusCode, 202, res.body);
    const job = await redis.hgetall(jobKeys.job(res.json().job_id));
    assert.equal(job.format, 'jsonl');
    assert.equal(job.fileName, 'x.jsonl');
  });

  const refusals: [string, Parameters<typeof multipart>[0], number, string][] = [
    [
      'wrong extension',
      [{ name: 'file', value: 'x', filename: 'photo.png', type: 'image/png' }],
      415,
      'UPLOAD_WRONG_TYPE',
    ],
    [
      'binary type',
      [{ name: 'file', value: 'x', filename: 'a.log', type: 'image/png' }],
      415,
      'UPLOAD_WRONG_TYPE',
    ],
    ['empty file', [{ name: 'file', value: '', filename: 'a.log' }], 400, 'UPLOAD_EMPTY'],
    ['no file part', [{ name: 'projectId', value: 'p' }], 400, 'UPLOAD_MISSING_FILE'],
    ['too large', [{ name: 'file', value: Buffer.alloc(MAX + 1, 'a'), filename: 'big.log' }], 413, ''],
    [
      'bad projectId',
      [
        { name: 'projectId', value: 'no spaces!' },
        { name: 'file', value: 'x\n', filename: 'a.txt' },
      ],
      400,
      'UPLOAD_BAD_FIELD',
    ],
  ];
  for (const [name, parts, status, code] of refusals) {
    test(`${name} → ${status}`, async () => {
      const res = await upload(parts);
      assert.equal(res.statusCode, status, res.body);
      if (code) assert.equal(res.json().code, code);
      assert.ok(res.json().message.length > 0);
    });
  }

  test('a multipart body cut off mid-file is a 400, and nothing is stored', async () => {
    const { payload, headers } = multipart([
      { name: 'file', value: 'line 1\nline 2\n', filename: 'cut.log' },
    ]);
    const cut = payload.subarray(0, payload.length - 20);
    const res = await app.inject({ method: 'POST', url: '/api/v1/files/upload', headers, payload: cut });
    assert.equal(res.statusCode, 400, res.body);
    assert.ok(res.json().message.length > 0);
  });

  test('a JSON body is 415: uploads are multipart', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/files/upload', payload: { file: 'x' } });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, 'UPLOAD_NOT_MULTIPART');
  });
});
