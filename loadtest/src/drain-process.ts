import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A consumer under measurement, whichever program it is. */
export interface DrainProcess {
  pid: number;
  alive(): boolean;
  /** The last of what it wrote, for an error message. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  stop(): Promise<void>;
}

const OUTPUT_KEEP = 64 * 1024;

/** Wraps a child process we started; stop() is idempotent and ends only this child. */
export function drainProcess(child: ChildProcess, graceMs = 15_000): DrainProcess {
  if (child.pid === undefined) throw new Error('the consumer process did not start');
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-OUTPUT_KEEP);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');
  const alive = () => child.exitCode === null && child.signalCode === null;
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    alive,
    output: () => out,
    stop() {
      stopping ??= (async () => {
        if (!alive()) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Starts the baseline program (baseline/baseline-main.ts) in one of its modes. */
export function startBaseline(mode: 'straightforward' | 'raw', env: Record<string, string>): DrainProcess {
  const main = fileURLToPath(new URL('./baseline/baseline-main.js', import.meta.url));
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    // DRAIN_LOG_LEVEL=info shows kafkajs's joins and rebalances in the run's log files.
    env: { ...process.env, ...env, LOG_LEVEL: process.env.DRAIN_LOG_LEVEL ?? 'warn', BASELINE_MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return drainProcess(child);
}
