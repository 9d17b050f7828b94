import type { GroupLag, KafkaAdmin } from '@evh/kafka';
import { createPeriodicTask } from '@evh/lifecycle';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';

/**
 * Reads the consumer group's lag every interval and publishes it as a metric. Each fresh
 * reading goes to onReading (the autoscaler, on the leader); a failed read keeps the
 * previous one and is not passed on, so no decision is taken on stale numbers.
 */
export function createLagMonitor(deps: {
  admin: Pick<KafkaAdmin, 'consumerLag'>;
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

  /** Throws when the read failed: the loop retries it sooner than the interval. */
  async function poll(): Promise<void> {
    const reading = await deps.admin.consumerLag(deps.groupId, deps.topic);
    latest = reading;
    for (const p of reading.partitions) {
      gauge.set({ topic: deps.topic, group: deps.groupId, partition: String(p.partition) }, p.lag);
    }
    try {
      await deps.onReading?.(reading);
    } catch (err) {
      deps.logger.warn({ err }, 'acting on the lag reading failed');
    }
  }

  // The first reading at once: the autoscaler and /v1/lag should not wait an interval for it.
  const loop = createPeriodicTask({
    intervalMs: deps.intervalMs,
    retryAfterMs: Math.min(deps.intervalMs, 1000),
    runAtStart: true,
    run: poll,
    onError: (err) => deps.logger.warn({ err }, 'reading consumer lag failed; keeping the last reading'),
  });

  return {
    latest: () => latest,
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}
