import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { type OpsRoutesOptions, registerOpsRoutes } from './ops-routes.js';

function appWith(options: Omit<OpsRoutesOptions, 'registry'>) {
  const app = Fastify();
  registerOpsRoutes(app, { registry: new Registry(), ...options });
  return app;
}

const never = () => new Promise<boolean>(() => {});

describe('registerOpsRoutes', () => {
  it('answers /readyz 200 when every check passes and 503 naming the one that does not', async () => {
    const ok = appWith({ readiness: { kafka: () => true, redis: async () => true } });
    const res = await ok.inject('/readyz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ready', checks: { kafka: true, redis: true } });

    const down = appWith({
      readiness: {
        kafka: () => false,
        redis: () => true,
        storage: () => {
          throw new Error('boom');
        },
      },
    });
    const failed = await down.inject('/readyz');
    assert.equal(failed.statusCode, 503);
    assert.deepEqual(failed.json().checks, { kafka: false, redis: true, storage: false });
  });

  it('counts a check that does not answer in checkTimeoutMs as failed, so the probe never hangs', async () => {
    const app = appWith({ readiness: { kafka: never, redis: () => true }, checkTimeoutMs: 100 });
    const started = Date.now();
    const res = await app.inject('/readyz');
    const tookMs = Date.now() - started;
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json().checks, { kafka: false, redis: true });
    assert.ok(tookMs < 500, `answered in ${tookMs} ms`);
  });

  it('bounds checks at 800 ms by default', async () => {
    const app = appWith({ readiness: { kafka: never } });
    const started = Date.now();
    const res = await app.inject('/readyz');
    const tookMs = Date.now() - started;
    assert.equal(res.statusCode, 503);
    assert.ok(tookMs >= 750 && tookMs < 1000, `answered in ${tookMs} ms`);
  });

  it('answers /healthz 200 without liveness checks, whatever readiness says', async () => {
    const app = appWith({ readiness: { kafka: () => false } });
    const res = await app.inject('/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  it('answers /healthz 503 when a liveness check fails or hangs', async () => {
    const alive = appWith({ readiness: {}, liveness: { progress: () => true } });
    const ok = await alive.inject('/healthz');
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { status: 'ok', checks: { progress: true } });

    const stalled = appWith({ readiness: {}, liveness: { progress: () => false } });
    assert.equal((await stalled.inject('/healthz')).statusCode, 503);

    const hung = appWith({ readiness: {}, liveness: { progress: never }, checkTimeoutMs: 50 });
    const res = await hung.inject('/healthz');
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'stalled', checks: { progress: false } });
  });
});
