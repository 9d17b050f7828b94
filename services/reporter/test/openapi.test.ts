import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis } from '@evh/redis';
import { createMetricsRegistry } from '@evh/telemetry';
import { generatedDrift, testEnv } from '@evh/testing';
import { buildReporterApp } from '../src/app.js';
import { createProgressHub } from '../src/jobs/progress-hub.js';

test('docs/openapi/reporter.json is what the route schemas generate', async () => {
  const redis = createRedis({ url: testEnv().redisUrl, name: 'openapi-test' });
  const logger = createLogger('openapi-test', 'silent');
  const app = await buildReporterApp({
    // Not about auth: the routes are open here.
    auth: authOff(),
    logger,
    redis,
    // Not started: no job is followed here.
    hub: createProgressHub(redis, '', logger),
    ingestUrl: 'http://127.0.0.1:3000',
    registry: createMetricsRegistry('reporter'),
    readiness: {},
  });
  await app.ready();
  const served = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(served.statusCode, 200);
  const doc = served.json();
  for (const path of ['/v1/projects/{projectId}/stats', '/v1/projects/{projectId}/search']) {
    assert.ok(doc.paths[path]?.get, `GET ${path} is documented`);
  }
  assert.ok(doc.paths['/v1/projects/{projectId}/counters/{name}'].put.requestBody, 'counter body documented');
  assert.equal(generatedDrift('docs/openapi/reporter.json', `${JSON.stringify(doc, null, 2)}\n`), null);
  await app.close();
  redis.disconnect();
});
