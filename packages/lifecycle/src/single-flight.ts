export interface SingleFlightOptions {
  /**
   * Keep a success: every later call gets its result without running the work again (a
   * connection made on first use). A failure is always forgotten, so the next call tries anew.
   */
  keepSuccess?: boolean;
}

/** Starts the work, or joins the call under way. */
export interface SingleFlight<T> {
  (): Promise<T>;
  /** The call under way (or the kept success), without starting one: to wait for it, say. */
  readonly current: Promise<T> | undefined;
}

/**
 * Work that runs once at a time: a call while it runs gets the running call's promise instead
 * of starting another (a commit, a check, a connect asked for by many requests at once).
 */
export function singleFlight<T>(work: () => Promise<T>, options: SingleFlightOptions = {}): SingleFlight<T> {
  let flight: Promise<T> | undefined;
  const run = () => {
    flight ??= work().then(
      (value) => {
        if (!options.keepSuccess) flight = undefined;
        return value;
      },
      (err: unknown) => {
        flight = undefined;
        throw err;
      },
    );
    return flight;
  };
  return Object.defineProperty(run, 'current', { get: () => flight }) as SingleFlight<T>;
}
