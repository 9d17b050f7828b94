import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis } from '@evh/redis';
import { createLocalStore } from '@evh/storage';
import { createMetricsRegistry } from '@evh/telemetry';
import { generatedDrift, testEnv } from '@evh/testing';
import { buildIngestApp } from '../src/app.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createRateLimiter } from '../src/rate-limit/rate-limiter.js';
import { createJobRegistry } from '../src/uploads/job-registry.js';

test('docs/openapi/ingest.json is what the route schemas generate', async () => {
  const redis = createRedis({ url: testEnv().redisUrl, name: 'openapi-test' });
  const registry = createMetricsRegistry('ingest');
  const app = await buildIngestApp({
    // Not about auth: the routes are open here.
    auth: authOff(),
    // Never called: the document is read, no request is made.
    uploads: {
      store: createLocalStore(tmpdir()),
      jobs: createJobRegistry(redis, 1000),
      producer: { send: async () => {}, close: async () => {}, inFlight: 0 },
    },
    maxUploadBytes: 1024,
    corsOrigin: '*',
    logger: createLogger('openapi-test', 'silent'),
    rateLimiter: createRateLimiter(redis, { limit: 100, windowMs: 1000 }),
    // Never called: the document is read, no request is made.
    publisher: { publish: async () => {} },
    metrics: createIngestMetrics(registry),
    registry,
    readiness: {},
    bodyLimit: 1024,
  });
  await app.ready();
  const served = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(served.statusCode, 200);
  const doc = served.json();
  assert.ok(doc.paths['/events'].post, 'POST /events is documented');
  assert.ok(doc.paths['/v1/crashes'].post, 'POST /v1/crashes is documented');
  assert.equal(doc.paths['/healthz'], undefined, 'probes are not part of the API');
  const ui = await app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(ui.statusCode, 200);
  assert.equal(generatedDrift('docs/openapi/ingest.json', `${JSON.stringify(doc, null, 2)}\n`), null);
  await app.close();
  redis.disconnect();
});
