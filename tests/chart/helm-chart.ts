import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@evh/testing';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export const root = repoRoot;
export const chart = join(root, 'charts/event-horizon');
const helmBin = join(process.env.EVH_CACHE ?? join(homedir(), '.cache/event-horizon'), 'tools/bin/helm');

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the toolchain's helm (tests/infra/tools.sh builds it) and returns what it did. */
export function helmResult(args: string[]): HelmResult {
  const r = spawnSync(helmBin, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs helm; fails the test on an error. */
export function helm(args: string[]): string {
  const r = helmResult(args);
  assert.equal(r.status, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** `helm template` arguments for release `evh`; `set` holds `--set` assignments (key=value). */
export function templateArgs(namespace: string, set: string[] = []): string[] {
  return [
    'template',
    'evh',
    chart,
    '--namespace',
    namespace,
    '--include-crds',
    ...set.flatMap((s) => ['--set', s]),
  ];
}

export function parseManifests(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

/** The chart rendered as release `evh`; `set` holds `--set` assignments (key=value). */
export function renderChart(namespace: string, set: string[] = []): KubernetesObject[] {
  return parseManifests(helm(templateArgs(namespace, set)));
}
