// The controller process: reads the consumer group's lag; with a Kubernetes API it also
// reconciles ProjectQuota resources into Redis and scales the consumer Deployment on that
// lag, both only while it holds the Lease. The only impure file of the service.
import { hostname } from 'node:os';
import { httpLimitsOf } from '@evh/http';
import { createKafkaClient, startBrokerProbe } from '@evh/kafka';
import { exitOnStartupError, parseConfig } from '@evh/lifecycle';
import { type ProjectQuotaObject, QUOTA_GROUP, QUOTA_PLURAL, QUOTA_VERSION } from '@evh/quota';
import { connectRedis, startRedisProbe } from '@evh/redis';
import { startServiceRuntime } from '@evh/telemetry';
import {
  AppsV1Api,
  CoordinationV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import { buildControllerApp, type ControllerStatus } from './app.js';
import { controllerConfigSchema, defaultQuota, kubeEnabled, scalePolicy, watchNamespace } from './config.js';
import { createEventRecorder } from './kube/event-recorder.js';
import { createLagMonitor } from './lag-monitor.js';
import { createLeaderElector } from './leader/leader-elector.js';
import { createControllerMetrics } from './metrics.js';
import { createQuotaController } from './quota/quota-controller.js';
import { createQuotaStore } from './quota/quota-store.js';
import { createStatusWriter } from './quota/status-writer.js';
import { createAutoscaler } from './scale/autoscaler.js';

const SERVICE = 'controller';

async function main(): Promise<void> {
  const config = parseConfig(controllerConfigSchema, process.env);
  const { logger, shutdown, registry } = startServiceRuntime(SERVICE, config, process.env);
  const metrics = createControllerMetrics(registry);
  const identity = config.POD_NAME ?? `${hostname()}-${process.pid}`;
  const namespace = watchNamespace(config);

  const redis = await connectRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    name: 'redis',
    logger,
    shutdown,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  const store = createQuotaStore(redis);

  const kafka = createKafkaClient({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  shutdown.register('kafka-admin', () => admin.disconnect());
  // Readiness reads this probe's state. Asking the lag monitor's admin client instead made
  // /readyz wait for its retries (seconds) whenever Kafka was slow or down.
  const brokerProbe = await startBrokerProbe(SERVICE, config, { logger, shutdown });
  const redisProbe = await startRedisProbe(redis, config, shutdown);

  let actOnLag: (lag: Parameters<ReturnType<typeof createAutoscaler>['onLag']>[0]) => Promise<unknown> =
    async () => {};
  const lag = createLagMonitor({
    admin,
    groupId: config.CONSUMER_GROUP,
    topic: config.EVENTS_TOPIC,
    intervalMs: config.LAG_POLL_INTERVAL_MS,
    registry,
    logger,
    onReading: (reading) => actOnLag(reading),
  });
  lag.start();
  shutdown.register('lag-monitor', () => lag.stop());

  let status: () => ControllerStatus = () => ({
    identity,
    kubernetes: false,
    namespace: null,
    leading: true,
    leaseHolder: null,
    quotasSynced: false,
    lastScale: null,
  });

  if (kubeEnabled(config)) {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const path = `/apis/${QUOTA_GROUP}/${QUOTA_VERSION}/namespaces/${namespace}/${QUOTA_PLURAL}`;
    const informer = makeInformer<KubernetesObject & ProjectQuotaObject>(kc, path, () =>
      custom.listNamespacedCustomObject({
        group: QUOTA_GROUP,
        version: QUOTA_VERSION,
        namespace,
        plural: QUOTA_PLURAL,
      }),
    );
    const quotas = createQuotaController({
      informer,
      namespace,
      store,
      defaultQuota: defaultQuota(config),
      writeStatus: createStatusWriter(custom),
      usageRefreshMs: config.USAGE_REFRESH_MS,
      concurrency: config.RECONCILE_CONCURRENCY,
      metrics,
      logger,
    });
    const autoscaler = createAutoscaler({
      api: kc.makeApiClient(AppsV1Api),
      recorder: createEventRecorder({
        api: kc.makeApiClient(EventsV1Api),
        namespace,
        instance: identity,
        logger,
      }),
      namespace,
      deployment: config.CONSUMER_DEPLOYMENT,
      policy: scalePolicy(config),
      metrics,
      logger,
    });
    const elector = createLeaderElector({
      api: kc.makeApiClient(CoordinationV1Api),
      namespace,
      name: config.LEASE_NAME,
      identity,
      durationMs: config.LEASE_DURATION_MS,
      renewDeadlineMs: config.LEASE_RENEW_DEADLINE_MS,
      retryPeriodMs: config.LEASE_RETRY_PERIOD_MS,
      logger,
      async onStartedLeading() {
        metrics.leader.set(1);
        metrics.leaderTransitions.inc({ event: 'gained' });
        autoscaler.reset();
        await quotas.start();
      },
      async onStoppedLeading() {
        metrics.leader.set(0);
        metrics.leaderTransitions.inc({ event: 'lost' });
        await quotas.stop();
      },
    });
    actOnLag = async (reading) => {
      if (elector.leading && config.AUTOSCALE) await autoscaler.onLag(reading);
    };
    elector.start();
    // Closed before the lag monitor: acting stops and the lease is given up at once.
    shutdown.register('leader-election', () => elector.stop());
    status = () => ({
      identity,
      kubernetes: true,
      namespace,
      leading: elector.leading,
      leaseHolder: elector.holder ?? null,
      quotasSynced: elector.leading && quotas.synced,
      lastScale: autoscaler.last() ?? null,
    });
  } else {
    // The only controller of a local stack: it still sets the default quota. Quotas of
    // projects are then written by hand (services/controller/README.md).
    logger.warn('no Kubernetes API (KUBECONFIG unset, not in a pod): ProjectQuotas and scaling are off');
    await store.setDefault(defaultQuota(config));
  }

  const app = buildControllerApp({
    logger,
    registry,
    readiness: {
      kafka: () => brokerProbe.up,
      redis: () => redisProbe.up,
    },
    latestLag: () => lag.latest(),
    httpLimits: httpLimitsOf(config),
    status: () => status(),
  });
  shutdown.register('http', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err) => exitOnStartupError(SERVICE, err));
