import type { Shutdown } from './shutdown.js';

/**
 * Closes the service on SIGTERM or SIGINT and exits: 0 when every step closed in time, 1
 * otherwise. A second signal while closing exits at once (an operator insisting).
 */
export function exitOnSignals(shutdown: Shutdown): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (shutdown.closing) process.exit(130);
    void shutdown.close(signal).then(({ failed, timedOut }) => {
      process.exit(failed.length === 0 && !timedOut ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Prints a start-up failure (a bad variable, an unreachable dependency) and exits 1. */
export function exitOnStartupError(service: string, err: unknown): never {
  process.stderr.write(`${service}: failed to start: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
}
