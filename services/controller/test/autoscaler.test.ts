import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKafka, ensureTopics, type Kafka, Partitioners } from '@evh/kafka/kafkajs';
import { createLogger } from '@evh/lifecycle';
import { randomName, type ServiceProcess, startService, testEnv, waitFor } from '@evh/testing';
import { EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  adminConfig,
  controllerEnv,
  createDeployment,
  createNamespace,
  kubeconfigPath,
  metricValue,
  replicasOf,
} from './kube-fixture.js';

// Real lag (a consumer group behind on a real topic), a real Deployment's scale subresource.
const PARTITIONS = 6;
const LAG_PER_REPLICA = 10;
const WINDOW_MS = 3000;
const DEPLOYMENT = 'evh-consumer';
let kc: KubeConfig;
let kafka: Kafka;
let namespace: string;
let controller: ServiceProcess;
const topic = randomName('scale-events');
const group = randomName('scale-group');

/** Replica counts seen by polling the scale every 50 ms, with when they were seen. */
function watchReplicas() {
  const seen: { at: number; replicas: number }[] = [];
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const replicas = await replicasOf(kc, namespace, DEPLOYMENT);
      if (seen.at(-1)?.replicas !== replicas) seen.push({ at: Date.now(), replicas });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    seen,
    async stop() {
      stop = true;
      await done;
    },
  };
}

async function events(reason: string) {
  const list = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
  return list.items.filter((e) => e.reason === reason && e.regarding?.name === DEPLOYMENT);
}

before(async () => {
  kc = adminConfig();
  namespace = await createNamespace(kc, 'scale');
  await createDeployment(kc, namespace, DEPLOYMENT, 1);
  const env = testEnv();
  kafka = createKafka({
    clientId: 'autoscaler-test',
    brokers: env.kafkaBrokers,
    logger: createLogger('t', 'silent'),
  });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();
});

after(async () => {
  await controller?.stop();
});

describe('lag autoscaler (real Kafka lag, real Deployment)', () => {
  it('scales the consumer up at once to ceil(lag / lagPerReplica), and down only after the window, in steps', async (t) => {
    // 35 events and a group that never committed: lag 35 -> ceil(35 / 10) = 4 replicas.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 35 }, (_, i) => ({ key: `user-${i}`, value: JSON.stringify({ i }) })),
    });
    await producer.disconnect();

    const replicas = watchReplicas();
    controller = await startService(
      'controller',
      controllerEnv({
        kubeconfig: kubeconfigPath(),
        namespace,
        prefix: `${randomName('scale')}:`,
        topic,
        group,
        extra: {
          CONSUMER_DEPLOYMENT: DEPLOYMENT,
          LAG_PER_REPLICA: String(LAG_PER_REPLICA),
          MIN_REPLICAS: '1',
          MAX_REPLICAS: '10',
          SCALE_DOWN_STABILIZATION_MS: String(WINDOW_MS),
          SCALE_DOWN_MAX_STEP: '2',
        },
      }),
    );
    try {
      await waitFor('4 replicas', () => replicas.seen.at(-1)?.replicas === 4, { timeoutMs: 10_000 });
      assert.deepEqual(
        replicas.seen.map((s) => s.replicas),
        [1, 4],
        'straight up to the computed count',
      );
      const up = await waitFor('a ScaledUp event', async () => (await events('ScaledUp'))[0]);
      assert.match(up.note ?? '', /lag 35 on 6 partitions at 10 per replica: 1 -> 4 replicas/);
      assert.equal(up.reportingController, 'eventhorizon.io/controller');

      // The group catches up: it commits the end of every partition.
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic);
      const drainedAt = Date.now(); // the lag cannot have drained before this
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
      });
      t.diagnostic(`the group committed the end offsets in ${Date.now() - drainedAt} ms`);
      await admin.disconnect();

      await waitFor('back to 1 replica', () => replicas.seen.at(-1)?.replicas === 1, { timeoutMs: 15_000 });
      const after = replicas.seen.filter((s) => s.at >= drainedAt);
      assert.deepEqual(
        after.map((s) => s.replicas),
        [2, 1],
        `down by at most 2 per decision: ${JSON.stringify(replicas.seen)}`,
      );
      const firstDownMs = (after[0]?.at ?? 0) - drainedAt;
      t.diagnostic(`lag drained; first step down after ${firstDownMs} ms (window ${WINDOW_MS} ms)`);
      // The last reading that still needed 4 came at most one poll (500 ms) before the drain.
      assert.ok(
        firstDownMs >= WINDOW_MS - 600,
        `scaled down ${firstDownMs} ms after the lag drained, inside the window`,
      );
      assert.equal((await events('ScaledDown')).length, 2);

      const metrics = await (await fetch(`${controller.url}/metrics`)).text();
      assert.equal(metricValue(metrics, 'evh_autoscaler_desired_replicas'), 1);
      assert.ok(metricValue(metrics, 'evh_autoscaler_decisions_total', 'reason="ScaleUp"') >= 1);
      assert.ok(metricValue(metrics, 'evh_autoscaler_decisions_total', 'reason="Stabilizing"') >= 1);
    } finally {
      await replicas.stop();
    }
  });
});
