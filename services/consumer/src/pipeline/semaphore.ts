/** Bounds how many events are processed at once across all partitions and users. */
export interface Semaphore {
  use<T>(task: () => Promise<T>): Promise<T>;
  readonly inUse: number;
}

export function createSemaphore(limit: number): Semaphore {
  let inUse = 0;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (inUse < limit) {
      inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inUse--;
  };
  return {
    get inUse() {
      return inUse;
    },
    async use(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
