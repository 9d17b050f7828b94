import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type EventMessage, eventMessageSchema } from '@evh/events';
import { createRedis, pipelineKeys as k, type Redis } from '@evh/redis';
import { randomName, testEnv, waitFor } from '@evh/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { consumerErrors } from '../src/errors.js';
import { createConsumerMetrics } from '../src/metrics.js';
import { type ApplyEvent, createEventProcessor } from '../src/pipeline/event-processor.js';
import { createEventStore } from '../src/pipeline/event-store.js';
import { createLockRenewer } from '../src/pipeline/lock-renewer.js';

const env = testEnv();
const clients: Redis[] = [];
const stops: (() => Promise<void>)[] = [];

after(async () => {
  for (const stop of stops) await stop();
  await Promise.all(clients.map((c) => c.quit()));
});

/** A processor and its lock renewer on a fresh prefix of the real Redis, as main.ts wires them. */
function setup(apply: ApplyEvent, lockTtlMs = 300) {
  const redis = createRedis({
    url: env.redisUrl,
    keyPrefix: `${randomName('evh-test-renew')}:`,
    name: 'test',
  });
  clients.push(redis);
  const logger = pino({ level: 'silent' });
  const store = createEventStore(redis, {
    lockToken: randomName('token'),
    lockTtlMs,
    retentionMs: 60_000,
    gapTimeoutMs: 1000,
    stallGraceMs: 500,
  });
  const processor = createEventProcessor({
    store,
    apply,
    deadLetters: {
      async send(_user, letter) {
        deadLettered.push(letter.id);
      },
    },
    metrics: createConsumerMetrics(new Registry()),
    logger,
    maxAttempts: 3,
    retryBackoffMs: 10,
    lockWaitMs: lockTtlMs + 1000,
    isStopping: () => false,
  });
  const lostSeen: string[] = [];
  const deadLettered: string[] = [];
  // The renewer's view of the store, recording what it found lost (the test's clock).
  const watched = {
    ...store,
    async renew(ids: string[]) {
      const lost = await store.renew(ids);
      lostSeen.push(...lost);
      return lost;
    },
  };
  const renewer = createLockRenewer({ store: watched, processor, intervalMs: lockTtlMs / 3, logger });
  renewer.start();
  stops.push(() => renewer.stop());
  const other = createEventStore(redis, {
    lockToken: randomName('other'),
    lockTtlMs,
    retentionMs: 60_000,
    gapTimeoutMs: 1000,
    stallGraceMs: 500,
  });
  return { redis, processor, other, lostSeen, deadLettered };
}

function ev(): { event: EventMessage; json: string } {
  const event = eventMessageSchema.parse({
    id: randomName('evt'),
    userId: randomName('user'),
    type: 'slow',
    payload: { seq: 1 },
    timestamp: Date.now(),
  });
  return { event, json: JSON.stringify(event) };
}

describe('lock renewal', () => {
  it('keeps the lock of an event that runs for many expiries, and nobody else takes it', async () => {
    let release = () => {};
    const { redis, processor, other } = setup(() => new Promise<void>((resolve) => (release = resolve)));
    const e = ev();
    const done = processor.process(e);
    await waitFor('the event to run', () => processor.held.has(e.event.id));
    const until = Date.now() + 1500; // five expiries of 300 ms
    await waitFor(
      '1.5 s of a lock nobody else gets',
      async () => {
        assert.equal(await other.begin(e.event, e.json), 'busy');
        return Date.now() > until;
      },
      { timeoutMs: 5000, intervalMs: 100 },
    );
    release();
    await done;
    assert.equal(await redis.hget(k.event(e.event.id), 'status'), 'processed');
    assert.equal(await redis.hget(k.event(e.event.id), 'attempts'), '1');
    assert.equal(await redis.exists(k.inflight(e.event.id)), 0, 'released at finalize');
  });

  it('an event whose lock was taken over is neither dead-lettered nor finalized here: LOCK_LOST', async () => {
    let ctx: ReturnType<typeof setup> | undefined;
    const e = ev();
    ctx = setup(async () => {
      // As if this process had been cut off from Redis past the expiry: another holder took
      // the event. The failure that follows would dead-letter it, were the lock still ours.
      await ctx?.redis.set(k.inflight(e.event.id), 'another-consumer', 'PX', 10_000);
      await waitFor('the renewal to find the lock lost', () => ctx?.lostSeen.includes(e.event.id));
      throw consumerErrors.INVALID_MESSAGE('not retriable: would be dead-lettered at once');
    });
    const { redis, processor, deadLettered } = ctx;
    await assert.rejects(processor.process(e), { code: 'LOCK_LOST' });
    assert.deepEqual(deadLettered, [], 'not dead-lettered');
    assert.equal(await redis.exists(k.event(e.event.id), k.dedup(e.event.id)), 0, 'not finalized');
    assert.equal(
      await redis.get(k.inflight(e.event.id)),
      'another-consumer',
      'the new holder keeps its lock',
    );
    assert.equal(processor.held.size, 0);
  });

  it('finalize refuses when the lock is not ours, even before a renewal noticed', async () => {
    let ctx: ReturnType<typeof setup> | undefined;
    const e = ev();
    ctx = setup(async () => {
      await ctx?.redis.set(k.inflight(e.event.id), 'another-consumer', 'PX', 10_000);
    }, 30_000);
    const { redis, processor } = ctx;
    await assert.rejects(processor.process(e), { code: 'LOCK_LOST' });
    assert.equal(await redis.exists(k.event(e.event.id), k.dedup(e.event.id)), 0);
  });
});
