import { type Admin, consumerLag, type GroupLag } from '@evh/kafka';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';

/**
 * Reads the consumer group's lag every interval and publishes it as a metric. Each fresh
 * reading goes to onReading (the autoscaler, on the leader); a failed read keeps the
 * previous one and is not passed on, so no decision is taken on stale numbers.
 */
export function createLagMonitor(deps: {
  admin: Admin;
  groupId: string;
  topic: string;
  intervalMs: number;
  registry: Registry;
  logger: Logger;
  onReading?: (lag: GroupLag) => Promise<unknown>;
}) {
  const gauge = new Gauge({
    name: 'evh_consumer_group_lag',
    help: 'End offset minus committed offset, per partition of the events topic',
    labelNames: ['topic', 'group', 'partition'],
    registers: [deps.registry],
  });
  let latest: GroupLag | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  /** Returns whether the read succeeded; a failed read is retried sooner than the interval. */
  async function poll(): Promise<boolean> {
    try {
      latest = await consumerLag(deps.admin, deps.groupId, deps.topic);
      for (const p of latest.partitions) {
        gauge.set({ topic: deps.topic, group: deps.groupId, partition: String(p.partition) }, p.lag);
      }
    } catch (err) {
      deps.logger.warn({ err }, 'reading consumer lag failed; keeping the last reading');
      return false;
    }
    try {
      await deps.onReading?.(latest);
    } catch (err) {
      deps.logger.warn({ err }, 'acting on the lag reading failed');
    }
    return true;
  }

  return {
    latest: () => latest,
    start() {
      const tick = () => {
        running = poll().then((ok) => {
          running = undefined;
          timer = setTimeout(tick, ok ? deps.intervalMs : Math.min(deps.intervalMs, 1000));
        });
      };
      tick();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      if (timer) clearTimeout(timer);
    },
  };
}
