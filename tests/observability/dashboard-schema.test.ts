// The dashboard checked against Grafana's dashboard schema without a Grafana server: the
// toolchain's dashboard-check (tests/infra/dashboard-check, on grafana-foundation-sdk).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '@evh/testing';
import { DASHBOARD_FILE, toolBin } from './toolchain.js';

function check(file: string) {
  const run = spawnSync(toolBin('dashboard-check'), [file], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A copy of the dashboard with `change` applied, for the cases that must fail. */
function mutated(change: (d: { panels: Record<string, unknown>[] }) => void): string {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
  change(dashboard);
  const file = join(tempDir('evh-dashboard-'), 'dashboard.json');
  writeFileSync(file, JSON.stringify(dashboard));
  return file;
}

describe('the dashboard against the dashboard schema', () => {
  test('event-horizon.json matches the schema, its panels and their Prometheus queries', () => {
    const { code, output } = check(DASHBOARD_FILE);
    assert.equal(code, 0, output);
    const panels = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')).panels as {
      type: string;
      targets?: unknown[];
    }[];
    const queries = panels.reduce((n, p) => n + (p.targets?.length ?? 0), 0);
    assert.match(
      output,
      new RegExp(
        `OK: schemaVersion \\d+, ${panels.filter((p) => p.type !== 'row').length} panels in \\d+ rows, ${queries} queries`,
      ),
    );
  });

  test('a field of the wrong type, an unknown field or a bad query fails the check', () => {
    for (const [what, change] of [
      [
        'gridPos.w a string',
        (d) => Object.assign((d.panels[1] as { gridPos: object }).gridPos, { w: 'wide' }),
      ],
      ['an unknown panel field', (d) => Object.assign(d.panels[1] as object, { colour: 'red' })],
      [
        'a timeseries option the plugin does not know',
        (d) => Object.assign((d.panels[1] as { options: object }).options, { legend: { displayMode: 1 } }),
      ],
      [
        'a Prometheus query field of the wrong type',
        (d) => Object.assign((d.panels[1] as { targets: object[] }).targets[0] as object, { expr: 42 }),
      ],
    ] as [string, (d: { panels: Record<string, unknown>[] }) => void][]) {
      const { code, output } = check(mutated(change));
      assert.notEqual(code, 0, `${what} was accepted: ${output}`);
      assert.match(output, /FAIL/, what);
    }
  });
});
