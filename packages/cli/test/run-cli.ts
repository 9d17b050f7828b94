import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { repoRoot, waitFor } from '@evh/testing';

/** The compiled CLI, run as a user runs it: its own process. */
export const cliPath = resolve(repoRoot, 'packages/cli/dist/src/main.js');
export const samplePath = resolve(repoRoot, '../shared/data/payments-example_input.txt');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited (after a signal, or by itself). */
  exited: Promise<CliResult>;
}

export function startCli(args: string[], options: { cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForOutput(pattern, timeoutMs = 20_000) {
      await waitFor(`evh output matching ${pattern}`, () => pattern.test(stdout), { timeoutMs }).catch(
        (err: Error) => {
          throw new Error(`${err.message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
        },
      );
    },
  };
}

export function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}
