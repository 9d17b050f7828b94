/**
 * Runs tasks one at a time per key (a userId) and concurrently across keys, so one user's
 * events are processed strictly in order while different users proceed in parallel.
 */
export interface UserLanes {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  readonly active: number;
}

export function createUserLanes(): UserLanes {
  const tails = new Map<string, Promise<unknown>>();
  return {
    get active() {
      return tails.size;
    },
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous.then(task, task);
      const tail = next.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return next;
    },
  };
}
