import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createBatchingProducer, createKafkaClient } from '@evh/kafka';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis } from '@evh/redis';
import { createLocalStore } from '@evh/storage';
import { createMetricsRegistry } from '@evh/telemetry';
import { randomName, testEnv, waitFor } from '@evh/testing';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { buildIngestApp } from '../src/app.js';
import { createEventPublisher } from '../src/event-publisher.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createRateLimiter } from '../src/rate-limit/rate-limiter.js';
import { createJobRegistry } from '../src/uploads/job-registry.js';

const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

test('a request is a server span, and its Kafka message carries the trace to the consumer', async () => {
  // The real OpenTelemetry SDK, exporting to memory instead of OTLP.
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  closers.push(() => provider.shutdown());

  const env = testEnv();
  const logger = createLogger('tracing-test', 'silent');
  const topic = randomName('traced');
  const kafka = createKafkaClient({ clientId: 'tracing-test', brokers: env.kafkaBrokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([{ topic, numPartitions: 1 }]);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  closers.push(() => producer.disconnect());
  const batching = createBatchingProducer(producer, {
    lingerMs: 1,
    maxBatchMessages: 10,
    sendTimeoutMs: 5000,
  });
  const redis = createRedis({ url: env.redisUrl, keyPrefix: `${randomName('tr')}:`, name: 'tracing-test' });
  await redis.connect();
  closers.push(() => redis.quit());
  const registry = createMetricsRegistry('ingest');
  const app = await buildIngestApp({
    // Not about auth: the routes are open here.
    auth: authOff(),
    logger,
    rateLimiter: createRateLimiter(redis, { limit: 100, windowMs: 1000 }),
    publisher: createEventPublisher(batching, topic),
    metrics: createIngestMetrics(registry),
    registry,
    readiness: {},
    bodyLimit: 65536,
    uploads: {
      store: createLocalStore(mkdtempSync(join(tmpdir(), 'tr-'))),
      jobs: createJobRegistry(redis, 1000),
      producer: batching,
    },
    maxUploadBytes: 1024,
    corsOrigin: '*',
    tracer: provider.getTracer('ingest'),
  });
  closers.push(() => app.close());

  const res = await app.inject({ method: 'POST', url: '/events', payload: { userId: 'u', type: 'traced' } });
  assert.equal(res.statusCode, 202);
  const span = exporter.getFinishedSpans().find((s) => s.name === 'POST /events');
  assert.ok(span, `spans: ${exporter.getFinishedSpans().map((s) => s.name)}`);
  assert.equal(span.attributes['http.response.status_code'], 202);

  let traceparent: string | undefined;
  const consumer = kafka.consumer({
    groupId: randomName('g'),
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    maxWaitTimeMs: 100,
  });
  closers.push(() => consumer.disconnect());
  const running = await consumer.run({
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: 1,
    logger,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) traceparent = message.headers?.traceparent?.toString();
    },
  });
  closers.push(async () => running.stop());
  const header = await waitFor('the traced message', () => traceparent);
  assert.equal(header.split('-')[1], span.spanContext().traceId, 'the message continues the request trace');
});
