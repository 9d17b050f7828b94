import type { Logger } from 'pino';

export type CloseStep = () => Promise<void> | void;

export interface Shutdown {
  /** Registers a resource where it is created; closed in reverse order of registration. */
  register(name: string, step: CloseStep): void;
  /** Runs every step once, even if an earlier one fails; later calls return the same promise. */
  close(reason: string): Promise<{ failed: string[]; timedOut: boolean }>;
  readonly closing: boolean;
}

export interface ShutdownOptions {
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The whole close is bounded by this, below the pod's termination grace period. */
  timeoutMs: number;
}

/** Idempotent, ordered, complete and bounded close, in the manner of BullMQ's close(). */
export function createShutdown({ logger, timeoutMs }: ShutdownOptions): Shutdown {
  const steps: { name: string; step: CloseStep }[] = [];
  let running: Promise<{ failed: string[]; timedOut: boolean }> | undefined;

  async function runSteps(failed: string[]): Promise<void> {
    for (const { name, step } of [...steps].reverse()) {
      const started = Date.now();
      try {
        await step();
        logger.info({ step: name, ms: Date.now() - started }, 'closed');
      } catch (err) {
        failed.push(name);
        logger.error({ step: name, err }, 'close step failed; continuing');
      }
    }
  }

  return {
    register(name, step) {
      if (running) throw new Error(`cannot register "${name}" while shutting down`);
      steps.push({ name, step });
    },
    get closing() {
      return running !== undefined;
    },
    close(reason) {
      if (running) return running;
      logger.info({ reason, steps: steps.length }, 'shutting down');
      const failed: string[] = [];
      let resolveClose: (result: { failed: string[]; timedOut: boolean }) => void = () => {};
      // Set before any step runs: a step that calls close() or register() sees `closing`.
      running = new Promise((resolve) => {
        resolveClose = resolve;
      });
      // Not unref'd: a hanging step must still end in a logged time-out and a non-zero exit.
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs }, 'shutdown timed out');
        resolveClose({ failed, timedOut: true });
      }, timeoutMs);
      void runSteps(failed).then(() => {
        clearTimeout(timer);
        resolveClose({ failed, timedOut: false });
      });
      return running;
    },
  };
}
