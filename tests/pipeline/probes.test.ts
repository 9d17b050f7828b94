import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type OwnServer,
  ownKafka,
  randomName,
  type ServiceProcess,
  startService,
  testEnv,
  waitFor,
} from '@evh/testing';

// The probes against a broker of this test's own, frozen (SIGSTOP) and killed (SIGKILL):
// /readyz of the ingest and the consumer follows the broker within 5 s both ways, the
// controller's answers within 1 s meanwhile, and the consumer's /healthz fails only when
// it is stuck with work, not while it is idle or Kafka is down.

const READY_WITHIN_MS = 5000;

let broker: OwnServer;
let ingest: ServiceProcess;
let consumer: ServiceProcess;
let controller: ServiceProcess;
const spawned: ServiceProcess[] = [];
let common: Record<string, string>;

before(async () => {
  broker = await ownKafka();
  await broker.start();
  const topic = randomName('events');
  const group = randomName('processors');
  common = {
    KAFKA_BROKERS: broker.url,
    REDIS_URL: testEnv().redisUrl,
    REDIS_KEY_PREFIX: `${randomName('p')}:`,
    EVENTS_TOPIC: topic,
    DLQ_TOPIC: `${topic}.dlq`,
    JOBS_TOPIC: `${topic}.jobs`,
    CONSUMER_GROUP: group,
    JOB_WORKERS_GROUP: `${group}-jobs`,
    EVENTS_PARTITIONS: '2',
    // Not about auth: a crash is posted without a key.
    AUTH: 'off',
  };
  ingest = await startService('ingest', common);
  // A short stall time: the outage below lasts longer, so a /healthz that stays 200 shows
  // that neither idleness nor the outage counts as a stall.
  consumer = await startService('consumer', { ...common, LIVENESS_STALL_MS: '2000' });
  controller = await startService('controller', { ...common, KUBE_MODE: 'off' });
  spawned.push(ingest, consumer, controller);
});

after(async () => {
  await Promise.all(spawned.map((s) => s.stop('SIGKILL')));
  await broker?.stop();
});

async function statusOf(service: ServiceProcess, path: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

/** Milliseconds from `since` until the service's /readyz answers `status`. */
async function untilReadyz(service: ServiceProcess, status: number, since: number): Promise<number> {
  await waitFor(
    `${service.name} /readyz ${status}`,
    async () => (await statusOf(service, '/readyz')).status === status,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return performance.now() - since;
}

/** Samples a service's /readyz and /healthz until `done` settles: status and latency of each. */
function sample(service: ServiceProcess, path: string, done: Promise<unknown>) {
  const seen: { status: number; ms: number }[] = [];
  let over = false;
  void done.finally(() => {
    over = true;
  });
  const running = (async () => {
    while (!over) {
      seen.push(await statusOf(service, path));
      await new Promise((r) => setTimeout(r, 200));
    }
    return seen;
  })();
  return running;
}

const postEvent = () =>
  fetch(`${ingest.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: randomName('u'), type: 'probe' }),
  });

describe('probes follow the broker', () => {
  test('ready with the broker up', async () => {
    for (const s of [ingest, consumer, controller]) {
      assert.equal((await statusOf(s, '/readyz')).status, 200, s.name);
      assert.equal((await statusOf(s, '/healthz')).status, 200, s.name);
    }
    assert.equal((await postEvent()).status, 202);
  });

  for (const fault of ['frozen (SIGSTOP)', 'killed (SIGKILL)'] as const) {
    test(`broker ${fault}: /readyz 503 within 5 s, 200 within 5 s of its return; controller within 1 s`, async (t) => {
      let endOutage: () => void = () => {};
      const outage = new Promise<void>((resolve) => {
        endOutage = resolve;
      });
      const controllerProbe = sample(controller, '/readyz', outage);
      const consumerHealth = sample(consumer, '/healthz', outage);

      const goneAt = performance.now();
      if (fault === 'frozen (SIGSTOP)') broker.freeze();
      else await broker.kill('SIGKILL');
      const [ingestDown, consumerDown] = await Promise.all([
        untilReadyz(ingest, 503, goneAt),
        untilReadyz(consumer, 503, goneAt),
      ]);
      // Long enough for the consumer's 2 s stall time to pass during the outage.
      await waitFor('the outage to last 4 s', () => performance.now() - goneAt > 4000, { intervalMs: 100 });
      assert.equal((await postEvent()).status, 503, 'the ingest refuses writes meanwhile');

      let backAt: number;
      if (fault === 'frozen (SIGSTOP)') {
        broker.thaw();
        backAt = performance.now();
      } else {
        // Measured from when the restarted broker answers an admin client (kafka.sh start).
        await broker.start();
        backAt = performance.now();
      }
      const [ingestUp, consumerUp] = await Promise.all([
        untilReadyz(ingest, 200, backAt),
        untilReadyz(consumer, 200, backAt),
      ]);
      endOutage();
      const controllerSeen = await controllerProbe;
      const healthSeen = await consumerHealth;
      const slowest = Math.max(...controllerSeen.map((s) => s.ms));

      t.diagnostic(
        `${fault}: ingest 503 after ${(ingestDown / 1000).toFixed(2)} s, 200 ${(ingestUp / 1000).toFixed(2)} s after the broker was back; ` +
          `consumer 503 after ${(consumerDown / 1000).toFixed(2)} s, 200 after ${(consumerUp / 1000).toFixed(2)} s; ` +
          `controller /readyz slowest ${slowest.toFixed(0)} ms of ${controllerSeen.length} (${controllerSeen.filter((s) => s.status === 503).length} answered 503)`,
      );
      assert.ok(ingestDown < READY_WITHIN_MS, `ingest 503 after ${ingestDown} ms`);
      assert.ok(consumerDown < READY_WITHIN_MS, `consumer 503 after ${consumerDown} ms`);
      assert.ok(ingestUp < READY_WITHIN_MS, `ingest 200 after ${ingestUp} ms`);
      assert.ok(consumerUp < READY_WITHIN_MS, `consumer 200 after ${consumerUp} ms`);
      assert.ok(slowest < 1000, `controller /readyz took ${slowest} ms`);
      assert.ok(
        controllerSeen.some((s) => s.status === 503),
        'the controller is not ready while Kafka is away',
      );
      assert.deepEqual(
        healthSeen.filter((s) => s.status !== 200),
        [],
        'the consumer stays alive: restarting it would not bring Kafka back',
      );

      const writable = performance.now();
      await waitFor('a write accepted again', async () => (await postEvent()).status === 202, {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      t.diagnostic(
        `${fault}: first write accepted ${((performance.now() - writable) / 1000).toFixed(2)} s after ready`,
      );
    });
  }
});

test('consumer /healthz: 200 while idle, 503 once an event is stuck for LIVENESS_STALL_MS', async (t) => {
  await consumer.stop('SIGTERM');
  // Every crash report "works" for ten minutes: the consumer has work and makes no progress.
  const stuck = await startService('consumer', {
    ...common,
    LIVENESS_STALL_MS: '2000',
    CRASH_SIMULATED_WORK_MS: '600000',
  });
  spawned.push(stuck);
  const idleSince = performance.now();
  await waitFor('idle for twice the stall time', () => performance.now() - idleSince > 4000, {
    intervalMs: 100,
  });
  assert.equal((await statusOf(stuck, '/healthz')).status, 200, 'an idle consumer is alive');

  const res = await fetch(`${ingest.url}/v1/crashes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      projectId: randomName('p'),
      severity: 'error',
      message: 'stuck',
      stacktrace: [{ file: 'Stuck.java', method: 'run', line: 1 }],
    }),
  });
  assert.equal(res.status, 202);
  const sentAt = performance.now();
  await waitFor('/healthz 503', async () => (await statusOf(stuck, '/healthz')).status === 503, {
    timeoutMs: 20_000,
    intervalMs: 200,
  });
  const ms = performance.now() - sentAt;
  t.diagnostic(`stuck consumer: /healthz 503 ${(ms / 1000).toFixed(2)} s after its work arrived (stall 2 s)`);
  assert.ok(ms >= 2000, `not before the stall time (${ms} ms)`);
  assert.equal((await statusOf(stuck, '/readyz')).status, 200, 'still ready: Kafka and Redis answer');
});
