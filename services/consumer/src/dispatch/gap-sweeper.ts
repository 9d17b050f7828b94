import { eventMessageSchema } from '@evh/events';
import { partitionOf } from '@evh/kafka';
import { createPeriodicTask } from '@evh/lifecycle';
import type { Logger } from 'pino';
import type { ConsumerMetrics } from '../metrics.js';
import type { EventProcessor } from '../pipeline/event-processor.js';
import type { EventStore } from '../pipeline/event-store.js';
import type { FairScheduler } from './fair-scheduler.js';
import type { PartitionProgress } from './partition-progress.js';
import { projectKeyOf } from './project-key.js';
import type { UserLanes } from './user-lanes.js';

export interface GapSweeperDeps {
  store: EventStore;
  processor: EventProcessor;
  lanes: UserLanes;
  /** Released events take their project's share of capacity, as fetched ones do. */
  scheduler: FairScheduler;
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
          const event = eventMessageSchema.parse(JSON.parse(released.json));
          await deps.scheduler.use(projectKeyOf(event), () =>
            deps.processor.process({ event, json: released.json }),
          );
        }),
      ),
    );
  }

  const task = createPeriodicTask({
    intervalMs: deps.intervalMs,
    run: sweep,
    onError: (err) => deps.logger.warn({ err }, 'gap sweep failed; retrying'),
  });
  return { start: () => task.start(), stop: () => task.stop() };
}
