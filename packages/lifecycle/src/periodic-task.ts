/**
 * Runs `run` every `intervalMs`, measured from the end of the previous run, so a slow run
 * (Redis down, a command waiting for its timeout) never overlaps the next one and calls do
 * not pile up. A failing run is reported and the next one still happens. The timer does not
 * keep the process alive on its own: a loop is never the reason a process stays up.
 */
export interface PeriodicTask {
  start(): void;
  /** Idempotent; resolves once a run under way has finished. */
  stop(): Promise<void>;
}

export function createPeriodicTask(options: {
  intervalMs: number;
  run: () => Promise<void>;
  onError: (err: unknown) => void;
}): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = options
        .run()
        .catch(options.onError)
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, options.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (timer === undefined && running === undefined) schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
