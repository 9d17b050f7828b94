import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '@evh/lifecycle';
import { controllerConfigSchema, defaultQuota, kubeEnabled, scalePolicy, watchNamespace } from './config.js';

const parse = (env: Record<string, string>) => parseConfig(controllerConfigSchema, env);

describe('controller config', () => {
  it('has the documented defaults', () => {
    const c = parse({});
    assert.equal(c.LAG_POLL_INTERVAL_MS, 15_000);
    assert.equal(c.SCALE_DOWN_STABILIZATION_MS, 300_000);
    assert.deepEqual(scalePolicy(c), {
      lagPerReplica: 1000,
      minReplicas: 1,
      maxReplicas: 12,
      stabilizationMs: 300_000,
      maxScaleDownStep: 1,
    });
    assert.equal(defaultQuota(c), undefined, 'no default quota unless configured');
    assert.equal(kubeEnabled(c), false);
    assert.equal(watchNamespace(c), 'event-horizon');
  });

  it('derives the default quota, the namespace and whether Kubernetes is used', () => {
    const cases: [Record<string, string>, (c: ReturnType<typeof parse>) => unknown, unknown][] = [
      [
        { DEFAULT_QUOTA_EVENTS_PER_SECOND: '50' },
        defaultQuota,
        { eventsPerSecond: 50, burst: 100, weight: 1, mode: 'enforce', source: 'default' },
      ],
      [
        {
          DEFAULT_QUOTA_EVENTS_PER_SECOND: '50',
          DEFAULT_QUOTA_BURST: '60',
          DEFAULT_QUOTA_MAX_IN_FLIGHT: '4',
          DEFAULT_QUOTA_MODE: 'shadow',
        },
        defaultQuota,
        { eventsPerSecond: 50, burst: 60, weight: 1, mode: 'shadow', source: 'default', maxInFlight: 4 },
      ],
      [{ KUBECONFIG: '/k' }, kubeEnabled, true],
      [{ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, kubeEnabled, true],
      [{ KUBECONFIG: '/k', KUBE_MODE: 'off' }, kubeEnabled, false],
      [{ POD_NAMESPACE: 'evh' }, watchNamespace, 'evh'],
      [{ POD_NAMESPACE: 'evh', WATCH_NAMESPACE: 'quotas' }, watchNamespace, 'quotas'],
    ];
    for (const [env, derive, expected] of cases)
      assert.deepEqual(derive(parse(env)), expected, JSON.stringify(env));
  });

  it('names the variable of an inconsistent setting', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ MIN_REPLICAS: '5', MAX_REPLICAS: '2' }, /MIN_REPLICAS: must not exceed MAX_REPLICAS/],
      [{ LEASE_DURATION_MS: '3000', LEASE_RENEW_DEADLINE_MS: '3000' }, /LEASE_RENEW_DEADLINE_MS/],
      [{ LEASE_RETRY_PERIOD_MS: '20000' }, /LEASE_RETRY_PERIOD_MS/],
      [{ DEFAULT_QUOTA_EVENTS_PER_SECOND: '10', DEFAULT_QUOTA_BURST: '5' }, /DEFAULT_QUOTA_BURST/],
      [{ DEFAULT_QUOTA_MODE: 'audit' }, /DEFAULT_QUOTA_MODE/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => parse(env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    }
  });
});
