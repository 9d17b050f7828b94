import type { Shutdown } from '@evh/lifecycle';

/** What main.ts hands a command: the process's streams and facts, read once there. */
export interface CommandContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stdout is a terminal (progress bars redraw in place then). */
  isTTY: boolean;
  /** The run's start: the reference for the far-future timestamp check. */
  nowMs: number;
  /** The default worker-pool size. */
  cpuCount: number;
  /** Long-running commands register what they open here; main.ts closes it on a signal. */
  shutdown: Shutdown;
  /** The environment main.ts read (EVH_KEY, EVH_TOKEN); absent in tests that set none. */
  env?: Readonly<Record<string, string | undefined>>;
}
