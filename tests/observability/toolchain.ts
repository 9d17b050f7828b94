import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@evh/testing';

/** A binary of the toolchain (tests/infra/tools.sh, built by tests/run.sh before the tests). */
export function toolBin(name: string): string {
  const dir = execFileSync('bash', [join(repoRoot, 'tests/infra/tools.sh'), 'path'], {
    encoding: 'utf8',
  }).trim();
  const bin = join(dir, name);
  if (!existsSync(bin)) throw new Error(`${name} is not built: bash tests/infra/tools.sh build ${name}`);
  return bin;
}

export const RULES_FILE = join(repoRoot, 'charts/event-horizon/alerts/event-horizon.rules.yml');
export const RULES_TEST_FILE = join(repoRoot, 'charts/event-horizon/alerts/event-horizon.rules.test.yml');
export const DASHBOARD_FILE = join(repoRoot, 'charts/event-horizon/dashboards/event-horizon.json');
