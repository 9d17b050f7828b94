import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { type BatchingProducer, createBatchingProducer, createKafkaClient } from '@evh/kafka';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis, type Redis } from '@evh/redis';
import { createLocalStore, createS3Store, type ObjectStore } from '@evh/storage';
import { createMetricsRegistry } from '@evh/telemetry';
import {
  freePort,
  listenOnFreePort,
  randomName,
  rawRequest,
  s3TestEnv,
  tempDir,
  testEnv,
  waitFor,
} from '@evh/testing';
import type { FastifyInstance } from 'fastify';
import { buildIngestApp } from '../src/app.js';
import { createEventPublisher } from '../src/event-publisher.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createRateLimiter } from '../src/rate-limit/rate-limiter.js';
import { createJobRegistry } from '../src/uploads/job-registry.js';

// Issue 10, item 1: a multipart body that ends early must be a prompt 400 (or, when the client
// went away, nothing at all), never a crash or a hang, and must leave no object and no job.
// Over real sockets: the failure depends on the body arriving after the store started.

const env = testEnv();
const logger = createLogger('upload-cut-off-test', 'silent');
const jobsTopic = randomName('jobs');
const MAX = 64 * 1024;
const closers: (() => Promise<unknown>)[] = [];
let batching: BatchingProducer;

/** The body from the issue: the file part's headers, then the end, with no closing boundary. */
const issueBody =
  '--b\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n' +
  'Content-Type: application/octet-stream\r\n\r\n\r\n';
const fileHead = (name = 'a.jsonl') =>
  `--b\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/x-ndjson\r\n\r\n`;
const head = (length: number) =>
  `POST /api/v1/files/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${length}`;

interface StoreUnderTest {
  store: ObjectStore;
  /** Every object key in the store. */
  keys(): Promise<string[]>;
}

async function localStore(): Promise<StoreUnderTest> {
  const dir = tempDir('evh-cut-off-');
  const walk = async (d: string): Promise<string[]> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(
      entries.map((e) => (e.isDirectory() ? walk(join(d, e.name)) : [relative(dir, join(d, e.name))])),
    );
    return nested.flat();
  };
  return { store: createLocalStore(dir), keys: () => walk(dir) };
}

async function s3Store(): Promise<StoreUnderTest> {
  const s3 = s3TestEnv();
  const bucket = randomName('evh-cut').toLowerCase();
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  closers.push(async () => client.destroy());
  const store = createS3Store({ ...s3, bucket, region: 'us-east-1', forcePathStyle: true });
  closers.push(() => store.close());
  return {
    store,
    async keys() {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? []).map((o) => o.Key ?? '');
    },
  };
}

before(async () => {
  const kafka = createKafkaClient({ clientId: 'upload-cut-off-test', brokers: env.kafkaBrokers, logger });
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
  closers.push(() => batching.close());
});

after(async () => {
  for (const close of closers.reverse()) await close();
});

for (const [name, make] of [
  ['local folder', localStore],
  ['S3 (versitygw)', s3Store],
] as const) {
  describe(`a cut-off upload, ${name} store`, () => {
    let app: FastifyInstance;
    let port: number;
    let redis: Redis;
    let under: StoreUnderTest;
    const prefix = `${randomName('cut')}:`;
    /** Keys of the uploads that were accepted: all that may be in the store and in Redis. */
    const accepted = new Set<string>();

    before(async () => {
      under = await make();
      redis = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'upload-cut-off-test' });
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
          store: under.store,
          jobs: createJobRegistry(redis, 60_000),
          producer: batching,
          jobsTopic,
        },
        maxUploadBytes: MAX,
        corsOrigin: '*',
      });
      closers.push(() => app.close());
      port = await listenOnFreePort(app);
    });

    /** No object and no job record but those of accepted uploads (cleanup may lag the answer). */
    async function nothingLeft(): Promise<void> {
      await waitFor(
        'only accepted uploads in the store and in Redis',
        async () => {
          const keys = (await under.keys()).filter((k) => !accepted.has(k));
          const jobs = (await redis.keys(`${prefix}job:*`)).length;
          return (keys.length === 0 && jobs === accepted.size) || false;
        },
        { timeoutMs: 5000 },
      );
    }

    /** The process is up and uploads work: a whole body is accepted. */
    async function stillServes(): Promise<void> {
      const body = `${fileHead('ok.jsonl')}{"a":1}\n\r\n--b--\r\n`;
      const res = await rawRequest({ port, head: head(Buffer.byteLength(body)), chunks: [body] });
      assert.equal(res.status, 202, res.body);
      const { job_id: jobId } = JSON.parse(res.body) as { job_id: string };
      accepted.add(`uploads/${jobId}/ok.jsonl`);
    }

    test('the body from the issue, on a fresh ingest: 400 at once, nothing stored', async () => {
      const res = await rawRequest({ port, head: head(issueBody.length), chunks: [issueBody] });
      assert.equal(res.status, 400, res.body);
      assert.equal(JSON.parse(res.body).code, 'UPLOAD_INCOMPLETE');
      assert.ok(res.ms < 2000, `answered in ${res.ms} ms`);
      await stillServes();
      await nothingLeft();
    });

    test('the same body on an ingest that has stored uploads: 400, not a hang', async () => {
      await stillServes();
      for (let i = 0; i < 3; i++) {
        const res = await rawRequest({ port, head: head(issueBody.length), chunks: [issueBody] });
        assert.equal(res.status, 400, res.body);
        assert.ok(res.ms < 2000, `answered in ${res.ms} ms`);
      }
      await stillServes();
      await nothingLeft();
    });

    test('cut in the middle of the file bytes: 400', async () => {
      const body = `${fileHead()}{"a":1}\n{"b":`;
      const res = await rawRequest({ port, head: head(body.length), chunks: [body] });
      assert.equal(res.status, 400, res.body);
      assert.equal(JSON.parse(res.body).code, 'UPLOAD_INCOMPLETE');
      await stillServes();
      await nothingLeft();
    });

    test('cut before the part headers end: 400', async () => {
      const body = '--b\r\nContent-Disposition: form-data; name="file"; filen';
      const res = await rawRequest({ port, head: head(body.length), chunks: [body] });
      assert.equal(res.status, 400, res.body);
      await stillServes();
      await nothingLeft();
    });

    test('the client half-closes mid-file (body shorter than its Content-Length): a 400 or a close', async () => {
      const part = `${fileHead()}${'x'.repeat(20_000)}`;
      const res = await rawRequest({ port, head: head(part.length + 50_000), chunks: [part], finish: 'end' });
      assert.ok(res.status === null || res.status === 400, `answered ${res.status} ${res.body}`);
      await stillServes();
      await nothingLeft();
    });

    test('the client destroys its socket mid-file: nothing stored, the process serves on', async () => {
      for (let i = 0; i < 5; i++) {
        const part = `${fileHead()}${'y'.repeat(30_000)}`;
        await rawRequest({ port, head: head(part.length + 50_000), chunks: [part], finish: 'destroy' });
      }
      await stillServes();
      await nothingLeft();
    });

    test('a file over MAX_UPLOAD_BYTES: 413 once the limit is crossed, while the client still sends', async () => {
      const part = `${fileHead()}${'z'.repeat(MAX + 10)}`;
      // Far more is announced than sent: the answer must not wait for the rest.
      const res = await rawRequest({ port, head: head(part.length + 10 * MAX), chunks: [part] });
      assert.equal(res.status, 413, res.body);
      assert.equal(JSON.parse(res.body).code, 'UPLOAD_TOO_LARGE');
      assert.match(res.headers, /connection: close/i);
      await stillServes();
      await nothingLeft();
    });

    test('a whole file over MAX_UPLOAD_BYTES: 413', async () => {
      const body = `${fileHead()}${'z'.repeat(MAX + 10)}\r\n--b--\r\n`;
      const res = await rawRequest({ port, head: head(body.length), chunks: [body] });
      assert.equal(res.status, 413, res.body);
      await stillServes();
      await nothingLeft();
    });
  });
}

describe('an upload while the object store is unavailable', () => {
  test('503 STORAGE_UNAVAILABLE with Retry-After, no job, and the ingest serves on', async () => {
    const prefix = `${randomName('nos3')}:`;
    const redis = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'upload-no-store-test' });
    await redis.connect();
    closers.push(() => redis.quit());
    // Nothing listens there: every request of the S3 client is refused.
    const deadPort = await freePort();
    const store = createS3Store({
      ...s3TestEnv(),
      endpoint: `http://127.0.0.1:${deadPort}`,
      bucket: 'nowhere',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    closers.push(() => store.close());
    const registry = createMetricsRegistry('ingest');
    const app = await buildIngestApp({
      // Not about auth: the routes are open here.
      auth: authOff(),
      logger,
      rateLimiter: createRateLimiter(redis, { limit: 100, windowMs: 1000 }),
      publisher: createEventPublisher(batching, randomName('events')),
      metrics: createIngestMetrics(registry),
      registry,
      readiness: {},
      bodyLimit: 64 * 1024,
      uploads: { store, jobs: createJobRegistry(redis, 60_000), producer: batching, jobsTopic },
      maxUploadBytes: MAX,
      corsOrigin: '*',
    });
    closers.push(() => app.close());
    const port = await listenOnFreePort(app);
    const body = `${fileHead()}{"a":1}\n\r\n--b--\r\n`;
    const res = await rawRequest({ port, head: head(body.length), chunks: [body] });
    assert.equal(res.status, 503, res.body);
    assert.equal(JSON.parse(res.body).code, 'STORAGE_UNAVAILABLE');
    assert.match(res.headers, /retry-after: \d+/i);
    assert.equal((await redis.keys(`${prefix}job:*`)).length, 0);
    const health = await rawRequest({ port, head: 'GET /healthz HTTP/1.1\r\nHost: t' });
    assert.equal(health.status, 200);
  });
});
