#!/usr/bin/env node
// The evh command. The only impure file: it reads argv, the clock and the CPU count, wires
// signals to the shutdown, and turns errors into exit codes; the commands get all of it passed.
import { availableParallelism } from 'node:os';
import { createShutdown, exitOnSignals, isCodedError, type Shutdown } from '@evh/lifecycle';
import type { CommandContext } from './command-context.js';
import { analyzeCommand } from './commands/analyze-command.js';
import { uploadCommand } from './commands/upload-command.js';
import { watchCommand } from './commands/watch-command.js';
import { exitCodeFor } from './errors.js';
import { usage } from './usage.js';

type ShutdownLogger = Parameters<typeof createShutdown>[0]['logger'];

const commands: Record<string, (args: string[], ctx: CommandContext) => Promise<number>> = {
  analyze: analyzeCommand,
  watch: watchCommand,
  upload: uploadCommand,
};

// Shutdown steps report failures on stderr as plain text: stdout is the command's output.
const report = (obj: unknown, msg?: string) => {
  const err = (obj as { err?: Error }).err;
  process.stderr.write(`evh: ${msg ?? ''}${err ? `: ${err.message}` : ''}\n`);
};
const logger = { info: () => undefined, warn: report, error: report } as unknown as ShutdownLogger;

async function main(argv: string[], shutdown: Shutdown): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`evh: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  // Only watch runs until told to stop; analyze and upload keep the default of dying on a
  // signal (their outputs are written atomically, so nothing half-written is left).
  if (name === 'watch') exitOnSignals(shutdown);
  return command(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stdout.isTTY === true,
    nowMs: Date.now(),
    cpuCount: availableParallelism(),
    shutdown,
    env: process.env,
  });
}

const shutdown = createShutdown({ logger, timeoutMs: 30_000 });
void main(process.argv.slice(2), shutdown)
  .catch((err: unknown) => {
    const message = isCodedError(err) ? err.message : ((err as Error).stack ?? String(err));
    process.stderr.write(`evh: ${message}\n`);
    if (exitCodeFor(err) === 2) process.stderr.write('run "evh --help" for usage\n');
    return exitCodeFor(err);
  })
  // Whatever happened, close what the command opened (worker threads would keep the
  // process alive), then leave with the command's code.
  .then(async (code) => {
    await shutdown.close('command finished');
    process.exitCode = code;
  });
