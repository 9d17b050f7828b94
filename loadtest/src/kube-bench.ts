// The platform in the one-node cluster (make bench, BENCH=kube): runs `make kube-test`'s full
// system test (tests/kube/run.sh full) and writes what it timed: the toolchain build (cold when
// the cache was empty), the cluster's start, the images, `helm install --wait`, the autoscaler's
// 1 -> N and back, and what the pod deletions and the rolling upgrade lost. The figures are
// those of that one run; the test itself asserts the outcomes (nothing lost, scaled, drained).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';

const REPORT_FILE = process.env.BENCH_REPORT_FILE ?? 'docs/benchmarks.md';
const RUN_DIR = resolve(repoRoot, process.env.BENCH_RUN_DIR ?? '.run/bench', 'kube-test');
const CACHE = process.env.EVH_CACHE ?? join(homedir(), '.cache/event-horizon');

/** times.txt: one `name<TAB>value` line per figure, in the order the run took them. */
function readTimes(file: string): Map<string, string> {
  const times = new Map<string, string>();
  if (!existsSync(file)) return times;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) times.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return times;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Each image's tar and unpacked size, from scripts/image/build.sh's stamps. */
function imageRows(): string[] {
  const dir = join(CACHE, 'images');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.stamp'))
    .sort()
    .map((f) => {
      const stamp = Object.fromEntries(
        readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const tar = join(dir, f.replace(/\.stamp$/, '.tar'));
      const tarSize = existsSync(tar) ? mib(statSync(tar).size) : 'missing';
      return `| \`${stamp.ref}\` | ${tarSize} | ${mib(Number(stamp.unpacked ?? 0))} | ${stamp.built_seconds ?? '?'} s |`;
    });
}

const started = Date.now();
const load = loadavg()[0]?.toFixed(1);
const run = spawnSync('bash', ['tests/kube/run.sh', 'full'], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, KUBE_TEST_RUN_DIR: RUN_DIR },
});
const wallS = Math.round((Date.now() - started) / 1000);
const t = readTimes(join(RUN_DIR, 'times.txt'));
const toolchainS = Number(t.get('toolchain_s') ?? Number.NaN);
const row = (what: string, key: string, unit = ' s') =>
  `| ${what} | ${t.has(key) ? `${t.get(key)}${unit}` : 'not reached'} |`;

writeSection(
  REPORT_FILE,
  'kube',
  `## The platform in a one-node cluster (issue 12)

\`BENCH=kube make bench\`: \`tests/kube/run.sh full\` (what \`make kube-test\` runs) on ${machineLine()},
load ${load} at the start; ${run.status === 0 ? 'every system test passed' : `**the system test failed (exit ${run.status})**`}, ${wallS} s in all.
The toolchain row is a cold build when the cache folder was empty (${toolchainS > 120 ? 'it was' : 'it was not: the tools were cached'}).

| step | time |
|---|---|
${row('toolchain (cluster tools, k6, versitygw)', 'toolchain_s')}
${row('cluster start (containerd, etcd, control plane, node Ready)', 'cluster_start_s')}
${row('images built (or found up to date) and imported', 'image_s')}
${row('`helm install --wait`, no values but the test timings', 'helm_install_wait_s')}

| test | outcome |
|---|---|
${row('autoscaler under k6 lag', 'autoscale', '')}
${row('consumer pod deleted under load', 'pod_deletion_consumer', '')}
${row('ingest pod deleted under load', 'pod_deletion_ingest', '')}
${row('rolling `helm upgrade` under load', 'helm_upgrade', '')}

| image | tar | unpacked | built in |
|---|---|---|---|
${imageRows().join('\n')}`,
);
process.exit(run.status ?? 1);
