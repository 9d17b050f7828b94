import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@evh/testing';
import { RBAC_CHART_TEMPLATE } from '../src/manifests/rbac-chart-template.js';

export { repoRoot };

/**
 * The generated manifests, relative to the repository root (see crd.test.ts). Each has one
 * copy, in the chart, which helm reads from there; a deployment without helm takes the CRD
 * from the chart's crds/ and renders the RBAC with `helm template` (ADR 0021).
 */
export const CHART_DIR = 'charts/event-horizon';
export const CRD_FILE = `${CHART_DIR}/crds/projectquotas.eventhorizon.io.yaml`;
export const RBAC_FILE = `${CHART_DIR}/${RBAC_CHART_TEMPLATE}`;
export const SAMPLES_DIR = 'manifests/samples';

/**
 * The chart's controller RBAC for release `evh` in `namespace`, as helm renders it: the
 * toolchain's helm (tests/infra/tools.sh, which tests/run.sh builds before the tests).
 */
export function renderChartRbac(namespace: string): string {
  const cache = process.env.EVH_CACHE ?? join(homedir(), '.cache/event-horizon');
  const args = ['template', 'evh', join(repoRoot, CHART_DIR), '--namespace', namespace];
  return execFileSync(join(cache, 'tools/bin/helm'), [...args, '--show-only', RBAC_CHART_TEMPLATE], {
    encoding: 'utf8',
  });
}
