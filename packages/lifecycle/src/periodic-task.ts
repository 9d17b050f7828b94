/**
 * Runs `run` every `intervalMs`, measured from the end of the previous run, so a slow run
 * (Redis down, a command waiting for its timeout) never overlaps the next one and calls do
 * not pile up. A failing run is reported and the next one still happens. The timer does not
 * keep the process alive on its own: a loop is never the reason a process stays up. The one
 * periodic loop of the code base: caches, sweepers, monitors and elections all run on it.
 */
export interface PeriodicTask {
  /** Starts the loop once; a second call, or one after stop, does nothing. */
  start(): void;
  /** Idempotent; resolves once a run under way has finished. No run starts after it. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions {
  intervalMs: number;
  run: () => Promise<void>;
  onError: (err: unknown) => void;
  /**
   * The first run starts within start() instead of one interval later: for loops whose
   * first reading is wanted at once (a lease to take, a lag to show).
   */
  runAtStart?: boolean;
  /** The wait after a failed run, when it should differ from intervalMs (a read retried sooner). */
  retryAfterMs?: number;
}

export function createPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  let stopped = false;

  function runOnce(): void {
    let failed = false;
    running = options
      .run()
      .catch((err: unknown) => {
        failed = true;
        options.onError(err);
      })
      .finally(() => {
        running = undefined;
        schedule(failed ? (options.retryAfterMs ?? options.intervalMs) : options.intervalMs);
      });
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      runOnce();
    }, delayMs);
    timer.unref();
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      if (options.runAtStart) runOnce();
      else schedule(options.intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
