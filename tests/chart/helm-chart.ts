import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const chart = join(root, 'charts/event-horizon');
const helmBin = join(process.env.EVH_CACHE ?? join(homedir(), '.cache/event-horizon'), 'tools/bin/helm');

/** Runs the toolchain's helm (tests/infra/tools.sh builds it); fails the test on an error. */
export function helm(args: string[]): string {
  const r = spawnSync(helmBin, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The chart rendered as release `evh`; `set` holds `--set` assignments (key=value). */
export function renderChart(namespace: string, set: string[] = []): KubernetesObject[] {
  const out = helm([
    'template',
    'evh',
    chart,
    '--namespace',
    namespace,
    '--include-crds',
    ...set.flatMap((s) => ['--set', s]),
  ]);
  return parseAllDocuments(out)
    .map((d) => d.toJSON() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}
