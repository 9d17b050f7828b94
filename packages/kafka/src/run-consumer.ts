import { backoffDelay } from '@evh/lifecycle';
import type { Consumer, ConsumerRunConfig, ConsumerSubscribeTopics } from 'kafkajs';
import type { Logger } from 'pino';
import type { RunningConsumer } from './group-consumer.js';

export interface RunConsumerOptions {
  subscribe: ConsumerSubscribeTopics;
  run: ConsumerRunConfig;
  logger: Logger;
  /** The first restart's delay; each next one doubles it, up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Called before each restart, for a metric. */
  onRestart?: (attempt: number, error: Error) => void;
}

/**
 * Connects, subscribes and runs a consumer, and keeps it running. kafkajs restarts a consumer
 * by itself only after a crash it classes as retriable; after any other it disconnects and
 * stays so, while the process looks alive. One such crash is a group coordinator not found
 * while a broker that has just started is still loading `__consumer_offsets` (seen on a
 * one-node cluster under load): the pod never became ready and consumed nothing. Here such a
 * crash is followed, after a delay that doubles up to a cap, by the same sequence again; a
 * delay of its own keeps a crash that repeats at once from spinning. A restart that fails
 * before the group is joined counts as another crash.
 */
export async function runConsumer(consumer: Consumer, opts: RunConsumerOptions): Promise<RunningConsumer> {
  const initial = opts.restartDelayMs ?? 1000;
  const cap = opts.maxRestartDelayMs ?? 30_000;
  let stopped = false;
  let restarts = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = async (): Promise<void> => {
    await consumer.connect();
    await consumer.subscribe(opts.subscribe);
    await consumer.run(opts.run);
  };
  const scheduleRestart = (error: Error): void => {
    if (stopped || timer) return;
    failures += 1;
    const delay = backoffDelay(failures, { initialMs: initial, maxMs: cap });
    opts.logger.warn({ err: error, delayMs: delay }, 'kafka consumer gave up after a crash: restarting it');
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      restarts += 1;
      opts.onRestart?.(restarts, error);
      // stop() forgets the crashed run, without which run() would answer "already running".
      consumer
        .stop()
        .then(start)
        .catch((err: unknown) => scheduleRestart(err instanceof Error ? err : new Error(String(err))));
    }, delay);
    timer.unref();
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) scheduleRestart(payload.error);
  });
  // A joined group resets the delay: the next crash is a new incident.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    failures = 0;
  });
  await start();
  return {
    get restarts() {
      return restarts;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
