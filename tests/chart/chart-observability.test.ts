// Issue 15: the chart ships the alert rules (a PrometheusRule where the Operator's CRD is
// served, else a ConfigMap), the dashboard, and takes an OTLP endpoint for the traces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { find, workloads } from './chart-objects.js';
import { chart, helm, helmResult, parseManifests, renderChart, templateArgs } from './helm-chart.js';
import { dryRunApply, objectApi, withNamespace } from './kube-dry-run.js';

const NAMESPACE = 'evh-observability';
const RULES = readFileSync(join(chart, 'alerts/event-horizon.rules.yml'), 'utf8');
const OPERATOR = ['--api-versions', 'monitoring.coreos.com/v1/PrometheusRule'];
const SERVICES = ['evh-ingest', 'evh-consumer', 'evh-reporter', 'evh-controller'];

function render(set: string[], extra: string[] = []): KubernetesObject[] {
  return parseManifests(helm([...templateArgs(NAMESPACE, set), ...extra]));
}

const otlpOf = (objects: KubernetesObject[]) =>
  Object.fromEntries(
    workloads(objects)
      .filter((w) => SERVICES.includes(w.name))
      .map((w) => [
        w.name,
        w.pod.containers[0]?.env?.find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value,
      ]),
  );

test('without the Prometheus Operator the rules ship as a ConfigMap holding the rules file as it is', () => {
  const objects = renderChart(NAMESPACE);
  const cm = find<{ data: Record<string, string> }>(objects, 'ConfigMap', 'evh-alerts');
  assert.ok(cm, 'the alerts ConfigMap');
  assert.equal(cm.data['event-horizon.rules.yml'], RULES.replace(/\n$/, ''));
  assert.equal(
    objects.find((o) => o.kind === 'PrometheusRule'),
    undefined,
  );
});

test('where monitoring.coreos.com/v1 is served they ship as a PrometheusRule with the same groups', () => {
  const objects = render(['alertRules.labels.release=kube-prometheus-stack'], OPERATOR);
  const rule = find<{ metadata: { labels: Record<string, string> }; spec: unknown }>(
    objects,
    'PrometheusRule',
    'evh-alerts',
  );
  assert.ok(rule, 'the PrometheusRule');
  assert.deepEqual(rule.spec, parse(RULES));
  assert.equal(rule.metadata.labels.release, 'kube-prometheus-stack');
  assert.equal(find(objects, 'ConfigMap', 'evh-alerts'), undefined);
});

test('alertRules.as forces either kind, and enabled=false ships none', () => {
  assert.ok(find(render(['alertRules.as=configMap'], OPERATOR), 'ConfigMap', 'evh-alerts'));
  assert.ok(find(render(['alertRules.as=prometheusRule']), 'PrometheusRule', 'evh-alerts'));
  const none = render(['alertRules.enabled=false'], OPERATOR);
  assert.equal(find(none, 'PrometheusRule', 'evh-alerts'), undefined);
  assert.equal(find(none, 'ConfigMap', 'evh-alerts'), undefined);
  const r = helmResult(templateArgs(NAMESPACE, ['alertRules.as=secret']));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /alertRules\/as/);
});

test('tracing.otlpEndpoint reaches the four services as OTEL_EXPORTER_OTLP_ENDPOINT; unset, none has it', () => {
  assert.deepEqual(
    otlpOf(render(['tracing.otlpEndpoint=http://jaeger-collector.tracing:4318'])),
    Object.fromEntries(SERVICES.map((s) => [s, 'http://jaeger-collector.tracing:4318'])),
  );
  assert.deepEqual(otlpOf(renderChart(NAMESPACE)), Object.fromEntries(SERVICES.map((s) => [s, undefined])));
  const r = helmResult(templateArgs(NAMESPACE, ['tracing.otlpEndpoint=jaeger:4318']));
  assert.notEqual(r.status, 0, 'an endpoint without a scheme is refused');
  assert.match(r.stderr, /tracing\/otlpEndpoint/);
});

test('the dashboard ConfigMap carries the dashboard file', () => {
  const cm = find<{ data: Record<string, string> }>(renderChart(NAMESPACE), 'ConfigMap', 'evh-dashboard');
  assert.deepEqual(
    JSON.parse(cm?.data['event-horizon.json'] ?? '{}'),
    JSON.parse(readFileSync(join(chart, 'dashboards/event-horizon.json'), 'utf8')),
  );
});

/**
 * The Prometheus Operator's CRD as far as this test needs it: the kind served, and the shape
 * of spec.groups (name and rules); each rule is kept as given (the Operator's own full schema
 * is not ours to copy).
 */
const PROMETHEUS_RULE_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'prometheusrules.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: {
      plural: 'prometheusrules',
      singular: 'prometheusrule',
      kind: 'PrometheusRule',
      listKind: 'PrometheusRuleList',
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['groups'],
                properties: {
                  groups: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['name', 'rules'],
                      properties: {
                        name: { type: 'string' },
                        rules: {
                          type: 'array',
                          items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

test('against a cluster serving monitoring.coreos.com/v1, helm picks the PrometheusRule itself and the API server admits it', async () => {
  const api = objectApi();
  await api.create(PROMETHEUS_RULE_CRD).catch((err: { code?: number }) => {
    if (err.code !== 409) throw err;
  });
  // Discovery takes a moment to list a new CRD's kind.
  let objects: KubernetesObject[] = [];
  for (let i = 0; i < 40; i++) {
    const r = helmResult([
      // Without the CRDs: --validate checks them against the cluster, where another test may
      // have created ProjectQuota's CRD outside Helm (it would refuse to take it over).
      ...templateArgs(NAMESPACE).filter((a) => a !== '--include-crds'),
      '--skip-crds',
      '--validate',
      '--kubeconfig',
      String(process.env.KUBECONFIG),
    ]);
    assert.equal(r.status, 0, r.stderr);
    objects = parseManifests(r.stdout);
    if (find(objects, 'PrometheusRule', 'evh-alerts')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const rule = find(objects, 'PrometheusRule', 'evh-alerts');
  assert.ok(rule, 'helm --validate saw monitoring.coreos.com/v1 and rendered the PrometheusRule');
  await withNamespace((ns, namespace) => dryRunApply(ns, namespace, [rule]));
});
