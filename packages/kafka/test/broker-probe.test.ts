import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createLogger } from '@evh/lifecycle';
import { freePort, testEnv } from '@evh/testing';
import { type BrokerProbe, createBrokerProbe } from '../src/index.js';

const logger = createLogger('broker-probe-test', 'silent');
const probes: BrokerProbe[] = [];

function probeOf(brokers: string[]): BrokerProbe {
  const probe = createBrokerProbe({ clientId: 'broker-probe-test', brokers, logger, intervalMs: 200 });
  probes.push(probe);
  return probe;
}

after(async () => {
  await Promise.all(probes.map((p) => p.close()));
});

describe('createBrokerProbe', () => {
  it('is up against the real broker, with its broker count and the time of the answer', async () => {
    const before = Date.now();
    const probe = probeOf(testEnv().kafkaBrokers);
    assert.equal(await probe.start(), true);
    assert.equal(probe.up, true);
    assert.ok((probe.value ?? 0) >= 1);
    assert.ok((probe.lastSuccessAt ?? 0) >= before);
  });

  it('is down at once where nothing listens', async () => {
    const probe = probeOf([`127.0.0.1:${await freePort()}`]);
    const started = Date.now();
    assert.equal(await probe.start(), false);
    assert.ok(Date.now() - started < 1600, `answered in ${Date.now() - started} ms`);
    assert.equal(probe.lastSuccessAt, undefined);
  });

  it('is down within its timeout where a server accepts connections and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const probe = probeOf([`127.0.0.1:${port}`]);
      const started = Date.now();
      assert.equal(await probe.start(), false);
      const tookMs = Date.now() - started;
      assert.ok(tookMs < 1600, `answered in ${tookMs} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
