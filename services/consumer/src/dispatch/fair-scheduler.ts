/** How one project shares the consumer: looked up at every dispatch, so changes apply at once. */
export interface ProjectPolicy {
  /** Share under contention relative to the other waiting projects; default 1. */
  weight?: number | undefined;
  /** At most this many of the project's tasks run at once; default unbounded. */
  maxInFlight?: number | undefined;
}

export interface FairSchedulerOptions {
  /** Tasks running at once over all projects (the consumer's CONSUMER_CONCURRENCY). */
  capacity: number;
  policyOf?: (projectKey: string) => ProjectPolicy | undefined;
  /**
   * The last `reserve` free slots only go to projects holding fewer than `reserve` slots
   * (default: an eighth of the capacity, rounded down, so none below 8). A flooding
   * project then never holds every slot: a quiet project's next task starts at once instead
   * of waiting for one of the flood's tasks to end. A lone project uses capacity − reserve.
   */
  reserve?: number;
}

/** An eighth of the slots, rounded down: a small capacity has none to keep. */
export function defaultReserve(capacity: number): number {
  return Math.floor(capacity / 8);
}

/**
 * A counting semaphore whose slots are shared among projects by weight instead of first come,
 * first served, so that one project's flood does not make every other project's task wait behind it.
 */
export interface FairScheduler {
  /**
   * Runs the task in one of the slots when the project's turn comes. `cost` (default 1) is
   * what the task counts for the project's share: a run of 200 events or a 5,000-line chunk
   * takes one slot, but moves the project as far on as that many single events would.
   */
  use<T>(projectKey: string, task: () => Promise<T>, cost?: number): Promise<T>;
  readonly inUse: number;
  readonly waiting: number;
  /** Projects with a task running or waiting. */
  readonly activeProjects: number;
  inFlight(projectKey: string): number;
}

interface Waiter {
  start: () => void;
  cost: number;
}

interface Flow {
  queue: Waiter[];
  inFlight: number;
  /** Virtual time of the flow's next task: advances by cost/weight per task started. */
  pass: number;
}

/**
 * Stride scheduling (a form of weighted fair queuing) over per-project FIFO queues. A freed
 * slot goes to the waiting project with the smallest pass that is under its maxInFlight;
 * starting a task advances the project's pass by its cost/weight, so under contention projects
 * start tasks in proportion to their weights. A project that was idle rejoins at the
 * current virtual time: it cannot bank credit while away, and it is not behind the
 * flooding projects either, so its next task starts after at most one task of each of them.
 * The last few slots are kept for projects that hold few (`reserve`). A pick costs
 * O(projects waiting); idle projects are forgotten.
 */
export function createFairScheduler(options: FairSchedulerOptions): FairScheduler {
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
  }
  const reserve = options.reserve ?? defaultReserve(options.capacity);
  if (!Number.isInteger(reserve) || reserve < 0 || reserve >= options.capacity) {
    throw new RangeError(`reserve must be an integer from 0 to capacity - 1, got ${reserve}`);
  }
  const flows = new Map<string, Flow>();
  let inUse = 0;
  let waiting = 0;
  let virtualTime = 0;

  function limits(projectKey: string): { weight: number; maxInFlight: number } {
    const policy = options.policyOf?.(projectKey);
    const weight = policy?.weight !== undefined && policy.weight > 0 ? policy.weight : 1;
    const max = policy?.maxInFlight;
    return {
      weight,
      maxInFlight: max !== undefined && max >= 1 ? Math.floor(max) : Number.POSITIVE_INFINITY,
    };
  }

  function pick(): [string, Flow] | undefined {
    let best: [string, Flow] | undefined;
    const reserved = inUse >= options.capacity - reserve;
    for (const entry of flows) {
      const [key, flow] = entry;
      if (flow.queue.length === 0 || flow.inFlight >= limits(key).maxInFlight) continue;
      if (reserved && flow.inFlight >= reserve) continue;
      if (!best || flow.pass < best[1].pass) best = entry;
    }
    return best;
  }

  function dispatch(): void {
    while (inUse < options.capacity) {
      const next = pick();
      if (!next) return;
      const [key, flow] = next;
      const { start, cost } = flow.queue.shift() as Waiter;
      waiting--;
      inUse++;
      flow.inFlight++;
      virtualTime = Math.max(virtualTime, flow.pass);
      flow.pass += cost / limits(key).weight;
      start();
    }
  }

  function release(projectKey: string, flow: Flow): void {
    inUse--;
    flow.inFlight--;
    if (flow.inFlight === 0 && flow.queue.length === 0) flows.delete(projectKey);
    dispatch();
  }

  return {
    get inUse() {
      return inUse;
    },
    get waiting() {
      return waiting;
    },
    get activeProjects() {
      return flows.size;
    },
    inFlight: (projectKey) => flows.get(projectKey)?.inFlight ?? 0,
    async use(projectKey, task, cost = 1) {
      let flow = flows.get(projectKey);
      if (!flow) {
        flow = { queue: [], inFlight: 0, pass: virtualTime };
        flows.set(projectKey, flow);
      } else if (flow.queue.length === 0) {
        flow.pass = Math.max(flow.pass, virtualTime);
      }
      const joined = flow;
      await new Promise<void>((resolve) => {
        joined.queue.push({ start: resolve, cost: cost > 0 ? cost : 1 });
        waiting++;
        dispatch();
      });
      try {
        return await task();
      } finally {
        release(projectKey, joined);
      }
    },
  };
}
