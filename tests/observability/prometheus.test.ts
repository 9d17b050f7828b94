// Every dashboard panel and every alert rule against a live Prometheus that scrapes the four
// services after a short, varied load: events, a batch, crashes, an upload, a throttled
// project, a dead letter, a seq gap, and a consumer stopped while its lag grows (the
// controller's autoscaler asks for more consumers than run).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomName, repoRoot, type ServiceProcess, startService, testEnv, waitFor } from '@evh/testing';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';
import { type Prometheus, selectorsOf, startPrometheus } from './prometheus.js';
import { DASHBOARD_FILE, RULES_FILE } from './toolchain.js';

interface Panel {
  type: string;
  title: string;
  targets?: { refId: string; expr: string }[];
}

const DEPLOYMENT = 'evh-consumer';
let f: PipelineFixture;
let controller: ServiceProcess;
let prometheus: Prometheus;
/** Alert expressions that returned data while their fault lasted (the lag phase). */
const firedDuringLag = new Map<string, number>();

const alertRules = () => {
  const text = readFileSync(RULES_FILE, 'utf8');
  const groups = (loadYaml(text) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups;
  return groups.flatMap((g) => g.rules);
};
const expressionOf = (alert: string) => alertRules().find((r) => r.alert === alert)?.expr as string;

async function kube(): Promise<{ kc: KubeConfig; namespace: string; kubeconfig: string }> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig)
    throw new Error('KUBECONFIG must point at the test control plane (tests/run.sh starts it)');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  // The controller watches ProjectQuotas: the CRD must be served (another test may have installed it).
  const crd = loadYaml<V1CustomResourceDefinition>(
    readFileSync(join(repoRoot, 'charts/event-horizon/crds/projectquotas.eventhorizon.io.yaml'), 'utf8'),
  );
  await kc
    .makeApiClient(ApiextensionsV1Api)
    .createCustomResourceDefinition({ body: crd })
    .catch((err: { code?: number }) => {
      if (err.code !== 409) throw err;
    });
  const namespace = randomName('metrics').toLowerCase().slice(0, 63);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  // No kubelet: no pod ever runs, which is what an unschedulable consumer looks like from here.
  const labels = { app: DEPLOYMENT };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: DEPLOYMENT, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'consumer', image: 'evh/consumer:test' }] },
        },
      },
    },
  });
  return { kc, namespace, kubeconfig };
}

async function post(path: string, body: unknown, expected = 202) {
  const res = await f.post(path, body);
  assert.equal(res.status, expected, JSON.stringify(res.json));
  return res.json;
}

const targetsOf = () =>
  [f.ingest, f.consumer, f.reporter as ServiceProcess, controller].map((s) => ({
    service: s.name,
    url: s.url,
  }));

const scalar = async (expr: string) => Number((await prometheus.query(expr))[0]?.value[1] ?? Number.NaN);

before(async () => {
  const { namespace, kubeconfig } = await kube();
  f = await startPipeline(
    { MAX_ATTEMPTS: '2', RETRY_BACKOFF_MS: '10', ORDER_GAP_TIMEOUT_MS: '1000' },
    { reporter: true },
  );
  const env = testEnv();
  controller = await startService('controller', {
    KUBECONFIG: kubeconfig,
    WATCH_NAMESPACE: namespace,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    REDIS_URL: env.redisUrl,
    REDIS_KEY_PREFIX: f.prefix,
    EVENTS_TOPIC: f.topic,
    CONSUMER_GROUP: f.group,
    CONSUMER_DEPLOYMENT: DEPLOYMENT,
    LAG_POLL_INTERVAL_MS: '500',
    LAG_PER_REPLICA: '1000',
    LEASE_DURATION_MS: '3000',
    LEASE_RENEW_DEADLINE_MS: '2000',
    LEASE_RETRY_PERIOD_MS: '250',
    // Every project gets 5 events/s (burst 10): a burst of 30 is mostly throttled.
    DEFAULT_QUOTA_EVENTS_PER_SECOND: '5',
  });
  prometheus = await startPrometheus(targetsOf());
  await waitFor('all four targets scraped', async () => (await scalar('count(up == 1)')) === 4, {
    timeoutMs: 30_000,
    intervalMs: 250,
  });

  // A lagging consumer: stopped while 3000 events arrive over a hundred users, in steps, so
  // the lag keeps rising across scrapes (deriv > 0).
  await f.consumer.stop();
  const users = Array.from({ length: 100 }, () => randomName('u'));
  for (let r = 0; r < 6; r++) {
    const events = Array.from({ length: 500 }, (_, i) => ({ userId: users[i % 100], type: 'load' }));
    await post('/events/batch', { events });
    await sleep(1500);
  }
  for (const alert of ['ConsumerLagGrowing', 'ConsumerPodsNotRunning']) {
    const expr = expressionOf(alert);
    const series = await waitFor(
      `${alert}'s expression to hold during the lag`,
      async () => {
        const result = await prometheus.query(expr);
        return result.length > 0 ? result.length : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    firedDuringLag.set(alert, series);
  }

  // The consumer back, and the rest of the load.
  await f.startConsumer();
  await prometheus.setTargets(targetsOf());
  const consumerTarget = new URL(f.consumer.url).host;
  let seen = '';
  await waitFor(
    'the new consumer scraped',
    async () => {
      const up = await prometheus.query('up');
      seen = JSON.stringify(up.map((s) => [s.metric.instance, s.value[1]]));
      return up.some((s) => s.metric.instance === consumerTarget && s.value[1] === '1');
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}: consumer at ${consumerTarget}, up: ${seen}`);
  });
  await post('/events', { userId: randomName('u'), type: 'click', payload: { seq: 1 } });
  await post('/events', { userId: randomName('dead'), type: 'poison', payload: { fail: true } });
  const gapUser = randomName('gap');
  await post('/events', { userId: gapUser, type: 'gap', payload: { seq: 1 } });
  await post('/events', { userId: gapUser, type: 'gap', payload: { seq: 3 } });
  for (const [i, severity] of ['error', 'warning', 'error'].entries()) {
    await post('/v1/crashes', {
      projectId: randomName('crashes'),
      severity,
      message: `metrics crash ${i}`,
      stacktrace: [{ file: 'Main.java', method: `m${i}`, line: i + 1 }],
    });
  }
  // The controller writes the default quota (5/s, burst 10) for every project: a burst of 30
  // of one project is mostly refused once the ingest has read it (every 0.5 s). Throttled
  // twice, a few scrapes apart, as a project over its quota for long is: a counter's first
  // sample is no increase.
  const throttledProject = randomName('throttled');
  const burst = async () => {
    const res = await post('/events/batch', {
      events: Array.from({ length: 30 }, (_, i) => ({
        userId: `u${i}`,
        type: 'quota',
        payload: { projectId: throttledProject },
      })),
    });
    return (res.results as { status: string }[]).some((r) => r.status === 'rate_limited');
  };
  await waitFor('the project quota to refuse part of a burst', burst, {
    timeoutMs: 20_000,
    intervalMs: 1000,
  });
  await sleep(3000);
  assert.ok(await burst(), 'the second burst is throttled too');
  const form = new FormData();
  form.append(
    'file',
    new Blob(['2025-07-22T22:33:41Z SUCCESS PaymentGateway user251 Payment processed successfully.\n']),
    'payments.log',
  );
  const upload = await fetch(`${f.ingest.url}/api/v1/files/upload`, { method: 'POST', body: form });
  assert.equal(upload.status, 202, await upload.text());

  // Everything handled and scraped.
  for (const [what, expr] of [
    ['the dead letter', 'sum(evh_consumer_events_total{outcome="failed"})'],
    ['the seq gap skipped', 'sum(evh_consumer_seq_gaps_skipped_total)'],
    ['the crash issues', 'sum(evh_consumer_crash_issues_opened_total)'],
    ['the upload job', 'sum(evh_jobs_total)'],
    ['the autoscaler decisions', 'sum(evh_autoscaler_decisions_total)'],
  ] as const) {
    await waitFor(`${what} in Prometheus`, async () => (await scalar(expr)) > 0, {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
  }
  await waitFor('the lag drained', async () => (await f.lag()) === 0, { timeoutMs: 90_000, intervalMs: 500 });
});

after(async () => {
  await prometheus?.stop();
  await controller?.stop();
  await f?.close();
});

describe('the dashboard and the alerts against a live Prometheus', () => {
  test('every query of every dashboard panel returns data', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Panel[] };
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 20, `${panels.length} panels`);
    const empty: string[] = [];
    let queries = 0;
    for (const panel of panels) {
      assert.ok(panel.targets?.length, `${panel.title}: a query`);
      for (const target of panel.targets ?? []) {
        queries++;
        const result = await prometheus.query(target.expr);
        if (result.length === 0) empty.push(`${panel.title} (${target.refId}): ${target.expr}`);
      }
    }
    console.log(
      `panels with data: ${panels.length - new Set(empty.map((e) => e.split(' (')[0])).size}/${panels.length}, queries with data: ${queries - empty.length}/${queries}`,
    );
    assert.deepEqual(empty, [], 'queries without data');
  });

  test('every alert rule loads and evaluates healthily in Prometheus', async () => {
    const names = alertRules().map((r) => r.alert);
    const loaded = await waitFor(
      'the rules evaluated',
      async () => {
        const rules = await prometheus.rules();
        return rules.length === names.length && rules.every((r) => r.health === 'ok') ? rules : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    assert.deepEqual(loaded.map((r) => r.name).sort(), [...names].sort());
  });

  test('every series an alert reads exists, and the faults of the load made theirs hold', async () => {
    for (const rule of alertRules()) {
      for (const selector of selectorsOf(rule.expr)) {
        const series = await prometheus.query(`count(${selector})`);
        assert.ok(series.length > 0, `${rule.alert}: ${selector} has series`);
      }
    }
    // The dead letter and the throttled project hold now; the lag and the missing consumers
    // held during the lag phase (checked then, recorded in firedDuringLag).
    for (const alert of ['DeadLettersArriving', 'ProjectThrottledLong']) {
      const result = await prometheus.query(expressionOf(alert));
      assert.ok(result.length > 0, `${alert}: ${expressionOf(alert)} returned data`);
    }
    assert.ok((firedDuringLag.get('ConsumerLagGrowing') ?? 0) > 0);
    assert.ok((firedDuringLag.get('ConsumerPodsNotRunning') ?? 0) > 0);
    // Kafka and Redis were up and the consumer was not stuck: their expressions are empty.
    for (const alert of ['KafkaUnavailable', 'RedisUnavailable', 'ConsumerStuck'])
      assert.deepEqual(await prometheus.query(expressionOf(alert)), [], `${alert} stays quiet`);
  });
});
