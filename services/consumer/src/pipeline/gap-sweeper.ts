import { partitionOf } from '@evh/kafka';
import type { Logger } from 'pino';
import type { PartitionProgress } from '../kafka/partition-progress.js';
import type { ConsumerMetrics } from '../metrics.js';
import type { EventProcessor } from './event-processor.js';
import type { EventStore } from './event-store.js';
import type { UserLanes } from './user-lanes.js';

export interface GapSweeperDeps {
  store: EventStore;
  processor: EventProcessor;
  lanes: UserLanes;
  progress: PartitionProgress;
  numPartitions: number;
  metrics: ConsumerMetrics;
  logger: Logger;
  intervalMs: number;
  /** The shorter of the gap timeout and the stall grace: nobody is looked at sooner. */
  minWaitMs: number;
  now?: () => number;
}

/**
 * Releases buffered events nobody else will: a seq gap open past its timeout is skipped
 * (so one lost event never blocks a user), and a buffered next seq left behind by a
 * process that died between two events is run.
 */
export function createGapSweeper(deps: GapSweeperDeps) {
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function sweep(): Promise<void> {
    const users = await deps.store.waitingUsers(now() - deps.minWaitMs, 200);
    await Promise.all(
      users.map((userId) =>
        deps.lanes.run(userId, async () => {
          const caughtUpSince = deps.progress.caughtUpSince(partitionOf(userId, deps.numPartitions));
          const released = await deps.store.release(userId, caughtUpSince);
          if (!released) return;
          if (released.kind === 'skipped') {
            deps.metrics.gapsSkipped.inc();
            deps.logger.warn({ userId, from: released.from, to: released.to }, 'seq gap timed out; skipped');
          }
          await deps.processor.processJson(released.json);
        }),
      ),
    );
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((err: unknown) => deps.logger.warn({ err }, 'gap sweep failed; retrying'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, deps.intervalMs);
  }

  return {
    start: schedule,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
