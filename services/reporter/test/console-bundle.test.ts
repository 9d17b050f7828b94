import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { authOff } from '@evh/projects';
import { createRedis } from '@evh/redis';
import { createMetricsRegistry } from '@evh/telemetry';
import { generatedDrift, testEnv } from '@evh/testing';
import { buildReporterApp } from '../src/app.js';
import { createProgressHub } from '../src/jobs/progress-hub.js';
import { buildConsole } from './console-build.js';

/** The bound on a first load: every file the page needs, as sent (compressed). */
const FIRST_LOAD_LIMIT = 200 * 1024;

test('src/web/console/app.{js,css} are what esbuild builds from console/src', async () => {
  const { js, css } = await buildConsole();
  assert.equal(generatedDrift('services/reporter/src/web/console/app.js', js), null);
  assert.equal(generatedDrift('services/reporter/src/web/console/app.css', css), null);
});

test('the first load of the console is under 200 KB compressed, and revalidates with a 304', async () => {
  const redis = createRedis({ url: testEnv().redisUrl, name: 'console-test' });
  const logger = createLogger('console-test', 'silent');
  const app = await buildReporterApp({
    auth: authOff(),
    logger,
    redis,
    hub: createProgressHub(redis, '', logger),
    ingestUrl: 'http://ingest.example:3000',
    registry: createMetricsRegistry('reporter'),
    readiness: {},
  });
  try {
    const page = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-encoding'], 'gzip');
    const plain = await app.inject({ method: 'GET', url: '/' });
    assert.match(plain.body, /data-ingest="http:\/\/ingest\.example:3000"/);
    // Every file the page loads: the stylesheet and the one script it names.
    const refs = [...plain.body.matchAll(/(?:href|src)="(\/console\/[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.deepEqual(refs.sort(), ['/console/app.css', '/console/app.js']);
    let total = page.rawPayload.length;
    const sizes: string[] = [`/ ${page.rawPayload.length}`];
    for (const url of refs) {
      const res = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-encoding'], 'gzip', url);
      total += res.rawPayload.length;
      sizes.push(`${url} ${res.rawPayload.length}`);
      const again = await app.inject({
        method: 'GET',
        url,
        headers: { 'if-none-match': String(res.headers.etag) },
      });
      assert.equal(again.statusCode, 304, url);
    }
    process.stdout.write(
      `# console first load: ${(total / 1024).toFixed(1)} KB gzip (${sizes.join(', ')})\n`,
    );
    assert.ok(total < FIRST_LOAD_LIMIT, `first load ${total} bytes`);
    // No file from elsewhere: clusters may have no internet.
    assert.doesNotMatch(plain.body, /(?:src|href)="https?:/);
  } finally {
    await app.close();
    redis.disconnect();
  }
});
