import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir, waitFor } from '@evh/testing';
import { RULES_FILE, toolBin } from './toolchain.js';

/** One series of an instant query's answer. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  url: string;
  /** An instant query now; throws on a query Prometheus refuses. */
  query(expr: string): Promise<Sample[]>;
  /** Replaces the scrape targets and reloads the configuration: a restarted service has a new port. */
  setTargets(targets: { service: string; url: string }[]): Promise<void>;
  /** The rules as Prometheus loaded and evaluated them (`/api/v1/rules`). */
  rules(): Promise<{ name: string; health: string; lastError?: string; state?: string }[]>;
  stop(): Promise<void>;
}

/**
 * Prometheus of the test's own (the toolchain's, Debian's 2.42), on a free port, scraping
 * `targets` every second with the chart's alert rules loaded. honor_labels keeps the
 * `service` label the services set on every metric, as the dashboard expects.
 */
export async function startPrometheus(targets: { service: string; url: string }[]): Promise<Prometheus> {
  const dir = tempDir('evh-prometheus-');
  const port = await freePort();
  const configFile = join(dir, 'prometheus.yml');
  const writeConfig = (list: { service: string; url: string }[]) => {
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
      rule_files: [RULES_FILE],
      scrape_configs: [
        {
          job_name: 'event-horizon',
          honor_labels: true,
          static_configs: list.map((t) => ({
            targets: [new URL(t.url).host],
            labels: { target: t.service },
          })),
        },
      ],
    };
    // JSON is YAML.
    writeFileSync(configFile, JSON.stringify(config, null, 2));
  };
  writeConfig(targets);
  const child: ChildProcess = spawn(
    toolBin('prometheus'),
    [
      `--config.file=${configFile}`,
      // POST /-/reload reads the configuration again (setTargets).
      '--web.enable-lifecycle',
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  process.once('exit', () => child.kill('SIGKILL'));
  try {
    await waitFor(
      'prometheus /-/ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${out}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out}`);
  }
  return {
    url,
    async setTargets(list) {
      writeConfig(list);
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (res.status !== 200)
        throw new Error(`prometheus reload answered ${res.status}: ${await res.text()}`);
    },
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: Sample[] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data?.result ?? [];
    },
    async rules() {
      const res = await fetch(`${url}/api/v1/rules`);
      const body = (await res.json()) as {
        data: { groups: { rules: { name: string; health: string; lastError?: string; state?: string }[] }[] };
      };
      return body.data.groups.flatMap((g) => g.rules);
    },
    stop,
  };
}

/**
 * The series selectors of a PromQL expression (metric name and matchers), so a test can tell
 * an expression that is empty because its condition is false from one whose metrics do not
 * exist. Good enough for our own rules and panels: names are evh_* or process_*.
 */
export function selectorsOf(expr: string): string[] {
  return [...expr.matchAll(/\b((?:evh|process)_[a-z_]+)(\{[^}]*\})?/g)].map((m) => `${m[1]}${m[2] ?? ''}`);
}
