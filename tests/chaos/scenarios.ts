import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineFixture } from '../pipeline/pipeline-fixture.js';
import type { ChaosStack } from './chaos-stack.js';

/** How hard and how long: the short size runs in `make test`, the full one in `make chaos`. */
export interface ScenarioSize {
  /** Events per second of the load. */
  rate: number;
  users: number;
  /** Load before the fault, and after it heals. */
  beforeMs: number;
  afterMs: number;
  /** Broker down time in the SIGKILL and the outage scenarios. */
  brokerDownMs: number;
  outageMs: number;
  /** Malformed requests sent in the malformed-input scenario. */
  malformed: number;
  /** Slow senders beside them, and how long each may stay unanswered. */
  slowSenders: number;
  slowBoundMs: number;
  /** Settings of the services under test (the short size shortens their time limits). */
  serviceEnv: Record<string, string>;
}

export const shortSize: ScenarioSize = {
  rate: 400,
  users: 40,
  beforeMs: 2000,
  afterMs: 2000,
  brokerDownMs: 2000,
  outageMs: 5000,
  malformed: 2000,
  slowSenders: 4,
  slowBoundMs: 8000,
  serviceEnv: { REQUEST_TIMEOUT_MS: '3000' },
};

export const fullSize: ScenarioSize = {
  rate: 2000,
  users: 200,
  beforeMs: 8000,
  afterMs: 8000,
  brokerDownMs: 10_000,
  outageMs: 60_000,
  malformed: 21_000,
  slowSenders: 40,
  slowBoundMs: 45_000,
  serviceEnv: {},
};

export interface FaultContext {
  stack: ChaosStack;
  pipeline: PipelineFixture;
  size: ScenarioSize;
  /** Notes for the report (what was done when). */
  note(text: string): void;
}

export interface Scenario {
  name: string;
  /** What the fault is, for the report. */
  what: string;
  /** Set when the scenario starts the consumer itself (it begins with a backlog). */
  consumerStoppedAtStart?: boolean;
  /** Also sends malformed requests (the count is the size's `malformed`). */
  malformed?: boolean;
  /** Injects the fault while the load runs; resolves at the moment it is healed. */
  fault(ctx: FaultContext): Promise<void>;
}

async function killAndRestartConsumer(ctx: FaultContext, signal: NodeJS.Signals): Promise<void> {
  const exit = await ctx.pipeline.consumer.stop(signal);
  ctx.note(`consumer ${signal}: exit ${exit.code ?? exit.signal} after ${exit.ms} ms`);
  await ctx.pipeline.startConsumer();
}

export const scenarios: Scenario[] = [
  {
    name: 'consumer-sigkill',
    what: 'the consumer SIGKILLed three times under load, restarted each time',
    async fault(ctx) {
      for (let i = 0; i < 3; i++) {
        await killAndRestartConsumer(ctx, 'SIGKILL');
        await sleep(ctx.size.beforeMs / 2);
      }
    },
  },
  {
    name: 'consumer-sigterm-backlog',
    what: 'the consumer starts on a backlog and is SIGTERMed while working it off',
    consumerStoppedAtStart: true,
    async fault(ctx) {
      await ctx.pipeline.startConsumer();
      await sleep(500);
      await killAndRestartConsumer(ctx, 'SIGTERM');
    },
  },
  {
    name: 'broker-sigkill',
    what: 'the Kafka broker SIGKILLed, started again after the down time',
    async fault(ctx) {
      await ctx.stack.kafka.kill('SIGKILL');
      await sleep(ctx.size.brokerDownMs);
      await ctx.stack.kafka.start();
    },
  },
  {
    name: 'broker-outage',
    what: 'the Kafka broker stopped cleanly for the outage time, then started again',
    async fault(ctx) {
      await ctx.stack.kafka.kill('SIGTERM');
      await sleep(ctx.size.outageMs);
      await ctx.stack.kafka.start();
    },
  },
  {
    name: 'redis-sigkill',
    what: 'Redis SIGKILLed and started again on its data folder (AOF)',
    async fault(ctx) {
      await ctx.stack.redis.kill('SIGKILL');
      await sleep(1000);
      await ctx.stack.redis.start();
    },
  },
  {
    name: 'malformed-input',
    what: 'malformed, oversized, cut-off and slow requests on every ingest route beside the load',
    malformed: true,
    async fault() {},
  },
];

/**
 * The checker's negative control: Redis SIGKILLed and started again without its AOF, as it
 * ran before persistence. The checker must find the acknowledged events whose state it erased.
 * Leaves Redis without persistence: run it last.
 */
export const redisWithoutPersistence: Scenario = {
  name: 'redis-sigkill-without-aof',
  what: 'control: Redis SIGKILLed and started again without its AOF',
  async fault(ctx) {
    await ctx.stack.redis.kill('SIGKILL');
    await ctx.stack.redis.start({ REDIS_APPENDONLY: 'no' });
  },
};
