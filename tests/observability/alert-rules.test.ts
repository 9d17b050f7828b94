// The alert rules, unit-tested with promtool: every alert fires on its fault and stays quiet
// on the healthy case beside it (charts/event-horizon/alerts/event-horizon.rules.test.yml).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, tempDir } from '@evh/testing';
import { parse } from 'yaml';
import { RULES_FILE, RULES_TEST_FILE, toolBin } from './toolchain.js';

interface RulesFile {
  groups: { name: string; rules: { alert?: string; expr: string }[] }[];
}
interface RulesTest {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

function promtool(args: string[], cwd?: string) {
  const run = spawnSync(toolBin('promtool'), args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

const alerts = () =>
  (parse(readFileSync(RULES_FILE, 'utf8')) as RulesFile).groups.flatMap((g) =>
    g.rules.flatMap((r) => (r.alert ? [r.alert] : [])),
  );

describe('alert rules (promtool)', () => {
  test('promtool check rules accepts the file', () => {
    const { code, output } = promtool(['check', 'rules', RULES_FILE]);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  });

  test("the local stack's Prometheus (make up) loads the same rules file", () => {
    const { code, output } = promtool([
      'check',
      'config',
      join(repoRoot, 'manifests/prometheus/prometheus.yml'),
    ]);
    assert.equal(code, 0, output);
    assert.match(output, /event-horizon\.rules\.yml\s+SUCCESS: \d+ rules found/);
  });

  test('the issue asks for these alerts, and they are all there', () => {
    for (const name of [
      'ConsumerLagGrowing',
      'ConsumerStuck',
      'DeadLettersArriving',
      'KafkaUnavailable',
      'RedisUnavailable',
      'ProjectThrottledLong',
      'ConsumerPodsNotRunning',
    ])
      assert.ok(alerts().includes(name), `${name} in ${RULES_FILE}`);
  });

  test('every alert has a firing and a quiet case in the unit tests', () => {
    const cases = (parse(readFileSync(RULES_TEST_FILE, 'utf8')) as RulesTest).tests.flatMap(
      (t) => t.alert_rule_test ?? [],
    );
    for (const name of alerts()) {
      const mine = cases.filter((c) => c.alertname === name);
      assert.ok(
        mine.some((c) => c.exp_alerts.length > 0),
        `${name}: a case where it fires`,
      );
      assert.ok(
        mine.some((c) => c.exp_alerts.length === 0),
        `${name}: a case where it stays quiet`,
      );
    }
  });

  test('promtool test rules: every case passes', () => {
    const { code, output } = promtool(['test', 'rules', RULES_TEST_FILE]);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS/);
  });

  test('a wrong expectation fails promtool (the tests can fail)', () => {
    const dir = tempDir('evh-rules-');
    copyFileSync(RULES_FILE, join(dir, 'event-horizon.rules.yml'));
    const wrong = readFileSync(RULES_TEST_FILE, 'utf8').replace(
      'service: ingest }\n            exp_annotations: { summary: "ingest cannot reach Kafka" }',
      'service: consumer }\n            exp_annotations: { summary: "consumer cannot reach Kafka" }',
    );
    assert.notEqual(wrong, readFileSync(RULES_TEST_FILE, 'utf8'), 'the mutation applied');
    writeFileSync(join(dir, 'rules.test.yml'), wrong);
    const { code, output } = promtool(['test', 'rules', 'rules.test.yml'], dir);
    assert.notEqual(code, 0, output);
    assert.match(output, /KafkaUnavailable/);
  });
});
