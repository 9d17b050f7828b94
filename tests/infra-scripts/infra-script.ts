import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot as root } from '@evh/testing';

export interface ScriptResult {
  status: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

/** Runs one of the repository's bash scripts (e.g. `tests/infra/redis.sh`) to its end. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): ScriptResult {
  const started = performance.now();
  const r = spawnSync('bash', [join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, ms: performance.now() - started };
}

/**
 * Another process that holds PORT: a plain TCP listener in its own process, so its pid and
 * command line (which carries `marker`) are what a script's message must name.
 */
export async function holdPort(port: number, marker: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`,
      marker,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout ?? assert.fail('no stdout'), 'data')) as [Buffer];
  assert.match(line.toString(), /listening/);
  return child;
}

/** Stops a child started here and waits for it to be gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** The pid of a process that has exited: what a stale pid file names. */
export async function deadPid(): Promise<number> {
  const child = spawn('true');
  await once(child, 'exit');
  return child.pid ?? assert.fail('no pid');
}

export function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  assert.equal(r.status, 0, `redis-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
