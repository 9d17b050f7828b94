import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EventMessage, eventMessageSchema } from '@evh/events';
import { createRedis, pipelineKeys as k, type Redis } from '@evh/redis';
import { randomName, testEnv, waitFor } from '@evh/testing';
import { createEventStore, type EventStore, type EventStoreOptions } from '../src/pipeline/event-store.js';

const env = testEnv();
const clients: Redis[] = [];
const prefixes: string[] = [];
const T0 = 1_700_000_000_000;

after(async () => {
  // Everything a test wrote lives under its own random prefix: delete exactly those keys.
  const cleaner = createRedis({ url: env.redisUrl, name: 'evh-test-store-cleanup' });
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await cleaner.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  await Promise.all([...clients, cleaner].map((c) => c.quit()));
});

interface Setup {
  redis: Redis;
  store: EventStore;
  clock: { now: number };
  options: EventStoreOptions;
  /** Another consumer process on the same Redis state (its own lock token). */
  otherStore(): EventStore;
}

/** A fresh key prefix, a store on it, and a clock the test moves by hand. */
function setup(overrides: Partial<EventStoreOptions> = {}): Setup {
  const prefix = `${randomName('evh-test-store')}:`;
  prefixes.push(prefix);
  const redis = createRedis({ url: env.redisUrl, keyPrefix: prefix, name: 'evh-test-store' });
  clients.push(redis);
  const clock = { now: T0 };
  const options: EventStoreOptions = {
    lockToken: randomName('token'),
    lockTtlMs: 30_000,
    retentionMs: 120_000,
    gapTimeoutMs: 1_000,
    stallGraceMs: 500,
    now: () => clock.now,
    ...overrides,
  };
  return {
    redis,
    store: createEventStore(redis, options),
    clock,
    options,
    otherStore: () => createEventStore(redis, { ...options, lockToken: randomName('other-token') }),
  };
}

interface Ev {
  event: EventMessage;
  json: string;
}

function ev(userId: string, seq?: number, type = 'click'): Ev {
  const event = eventMessageSchema.parse({
    id: randomName('evt'),
    userId,
    type,
    payload: seq === undefined ? { n: 1 } : { seq, n: 1 },
    timestamp: T0,
  });
  return { event, json: JSON.stringify(event) };
}

const processed = { status: 'processed', attempts: 1 } as const;

/** Runs an event through begin and finalize as the processor would, asserting it ran. */
async function runToEnd(store: EventStore, e: Ev, expected: 'run' | 'late' = 'run'): Promise<string | null> {
  assert.equal(await store.begin(e.event, e.json), expected, `begin ${e.event.id}`);
  return store.finalize(e.event, e.json, processed);
}

describe('event store: begin and the processing lock', () => {
  it('runs a fresh event and takes its lock with this store’s token', async () => {
    const { redis, store, options } = setup();
    for (const e of [ev(randomName('user')), ev(randomName('user'), 1)]) {
      assert.equal(await store.begin(e.event, e.json), 'run');
      assert.equal(await redis.get(k.inflight(e.event.id)), options.lockToken);
      const ttl = await redis.pttl(k.inflight(e.event.id));
      assert.ok(ttl > 0 && ttl <= options.lockTtlMs, `lock ttl ${ttl}`);
    }
  });

  it('answers busy to another holder while the lock is held, and run once it expired', async () => {
    const { redis, store, options, otherStore } = setup({ lockTtlMs: 300 });
    const e = ev(randomName('user'), 1);
    const other = otherStore();

    assert.equal(await store.begin(e.event, e.json), 'run');
    assert.equal(await other.begin(e.event, e.json), 'busy');
    assert.equal(await store.begin(e.event, e.json), 'busy', 'the lock is not re-entrant either');
    assert.equal(await redis.get(k.inflight(e.event.id)), options.lockToken);

    // The holder died: its lock expires on its own and the event can be taken over.
    await waitFor('the lock to expire', async () => (await other.begin(e.event, e.json)) === 'run', {
      timeoutMs: 5_000,
    });
    assert.notEqual(await redis.get(k.inflight(e.event.id)), options.lockToken);
  });

  it('unlock releases only the caller’s own lock', async () => {
    const { redis, store, options, otherStore } = setup();
    const e = ev(randomName('user'));
    const other = otherStore();
    assert.equal(await store.begin(e.event, e.json), 'run');

    assert.equal(await other.unlock(e.event.id), false);
    assert.equal(await redis.get(k.inflight(e.event.id)), options.lockToken);
    assert.equal(await store.unlock(e.event.id), true);
    assert.equal(await redis.exists(k.inflight(e.event.id)), 0);
    assert.equal(await store.unlock(e.event.id), false, 'nothing left to release');
    assert.equal(await other.begin(e.event, e.json), 'run', 'released: another holder may take it');
  });

  it('renew keeps a lock held past its expiry, for as long as it is renewed', async () => {
    const { redis, store, options, otherStore } = setup({ lockTtlMs: 300 });
    const e = ev(randomName('user'), 1);
    const other = otherStore();
    assert.equal(await store.begin(e.event, e.json), 'run');
    const until = Date.now() + 1200;
    while (Date.now() < until) {
      assert.deepEqual(await store.renew([e.event.id]), [], 'still ours');
      assert.equal(await other.begin(e.event, e.json), 'busy', 'renewed: nobody else takes it');
      await sleep(100);
    }
    assert.equal(await redis.get(k.inflight(e.event.id)), options.lockToken, 'held 4 expiries long');
    assert.equal(await store.finalize(e.event, e.json, processed), null);
    assert.equal(await redis.hget(k.event(e.event.id), 'status'), 'processed');
  });

  it('renew reports a lock it lost, and finalize then writes nothing (LOCK_LOST)', async () => {
    const { redis, store, otherStore } = setup({ lockTtlMs: 200 });
    const e = ev(randomName('user'), 1);
    const gone = ev(randomName('user'));
    const other = otherStore();
    assert.equal(await store.begin(e.event, e.json), 'run');
    assert.equal(await store.begin(gone.event, gone.json), 'run');
    // Cut off from Redis past the expiry: another consumer took the event over.
    await waitFor('the lock to expire', async () => (await other.begin(e.event, e.json)) === 'run', {
      timeoutMs: 5_000,
    });
    await waitFor(
      'the other lock to expire',
      async () => (await redis.exists(k.inflight(gone.event.id))) === 0,
    );
    assert.deepEqual(
      (await store.renew([e.event.id, gone.event.id])).sort(),
      [e.event.id, gone.event.id].sort(),
    );
    await assert.rejects(store.finalize(e.event, e.json, processed), { code: 'LOCK_LOST' });
    await assert.rejects(store.finalize(gone.event, gone.json, processed), { code: 'LOCK_LOST' });
    assert.equal(await redis.exists(k.event(e.event.id), k.dedup(e.event.id), k.event(gone.event.id)), 0);
    assert.equal(await redis.get(k.seqNext(e.event.userId)), null, 'the order did not move');
    // The new holder finalizes as usual.
    assert.equal(await other.finalize(e.event, e.json, processed), null);
    assert.equal(await redis.hget(k.event(e.event.id), 'status'), 'processed');
  });
});

describe('event store: finalize', () => {
  it('writes the final state, the dedup marker and drops the lock; afterwards the event is a duplicate', async () => {
    const { redis, store, clock, options } = setup();
    const userId = randomName('user');
    const e = ev(userId, 1);
    assert.equal(await store.begin(e.event, e.json), 'run');
    clock.now = T0 + 25;

    assert.equal(await store.finalize(e.event, e.json, { status: 'processed', attempts: 2 }), null);

    const finalState = {
      status: 'processed',
      processedAt: String(T0 + 25),
      attempts: '2',
      userId,
      type: 'click',
      seq: '1',
    };
    assert.deepEqual(await redis.hgetall(k.event(e.event.id)), finalState);
    assert.equal(await redis.get(k.dedup(e.event.id)), String(T0 + 25));
    for (const key of [k.event(e.event.id), k.dedup(e.event.id)]) {
      const ttl = await redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= options.retentionMs, `${key} keeps for the retention, ttl ${ttl}`);
    }
    assert.equal(await redis.exists(k.inflight(e.event.id)), 0);
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['1']);
    assert.deepEqual(await redis.hgetall(k.counters()), { processed: '1', 'type:click': '1' });

    // A redelivery: begin says dup, and a second finalize changes nothing.
    assert.equal(await store.begin(e.event, e.json), 'dup');
    clock.now = T0 + 5_000;
    assert.equal(await store.finalize(e.event, e.json, { status: 'failed', attempts: 3, error: 'x' }), null);
    assert.deepEqual(await redis.hgetall(k.event(e.event.id)), finalState);
    assert.equal(await redis.get(k.dedup(e.event.id)), String(T0 + 25));
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['1']);
    assert.deepEqual(await redis.hgetall(k.counters()), { processed: '1', 'type:click': '1' });
    assert.equal(await redis.llen(k.dlqList()), 0);
  });

  it('writes no seq field for an event without seq, and leaves the seq state alone', async () => {
    const { redis, store } = setup();
    const userId = randomName('user');
    const e = ev(userId);
    assert.equal(await runToEnd(store, e), null);
    const state = await redis.hgetall(k.event(e.event.id));
    assert.equal(state.status, 'processed');
    assert.equal('seq' in state, false);
    assert.equal(await redis.exists(k.order(userId), k.seqNext(userId)), 0);
  });

  it('dead-letters a failed event once, keeps its seq out of the order, and still advances next', async () => {
    const { redis, store, clock } = setup();
    const userId = randomName('user');
    const e1 = ev(userId, 1);
    assert.equal(await store.begin(e1.event, e1.json), 'run');
    clock.now = T0 + 7;
    const error = 'PROCESSING_FAILED: payload.fail is true';

    assert.equal(await store.finalize(e1.event, e1.json, { status: 'failed', attempts: 3, error }), null);

    assert.deepEqual(await redis.lrange(k.dlqList(), 0, -1), [e1.event.id]);
    assert.deepEqual(await redis.hgetall(k.dlq(e1.event.id)), {
      attempts: '3',
      error,
      queuedAt: String(T0 + 7),
      userId,
      event: e1.json,
      state: 'dead',
    });
    // Waiting for a replay (ADR 0014), by when it died.
    assert.equal(await redis.zscore(k.dlqDead(), e1.event.id), String(T0 + 7));
    assert.ok((await redis.pttl(k.dlq(e1.event.id))) > 0, 'dlq entry expires with the retention');
    const state = await redis.hgetall(k.event(e1.event.id));
    assert.equal(state.status, 'failed');
    assert.equal(state.error, error);
    assert.equal(state.attempts, '3');
    assert.equal(await redis.llen(k.order(userId)), 0, 'a failed seq is not in the processed order');
    assert.equal(await redis.get(k.seqNext(userId)), '2');
    assert.equal((await redis.hgetall(k.counters())).failed, '1');

    // Redelivered and finalized again: still dead-lettered once.
    assert.equal(await store.begin(e1.event, e1.json), 'dup');
    assert.equal(await store.finalize(e1.event, e1.json, { status: 'failed', attempts: 3, error }), null);
    assert.deepEqual(await redis.lrange(k.dlqList(), 0, -1), [e1.event.id]);

    // Seq 2 is not held back by the failed seq 1.
    assert.equal(await runToEnd(store, ev(userId, 2)), null);
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['2']);
  });
});

describe('event store: per-user seq order', () => {
  it('buffers an early seq and hands it over when the one before it is finalized', async () => {
    const { redis, store } = setup();
    const userId = randomName('user');
    const [e1, e2] = [ev(userId, 1), ev(userId, 2)];

    assert.equal(await store.begin(e2.event, e2.json), 'buffered');
    assert.equal(await redis.hget(k.seqBuffer(userId), '2'), e2.json);
    assert.equal(await redis.zscore(k.seqWaiting(), userId), String(T0));
    assert.equal(await redis.exists(k.inflight(e2.event.id)), 0, 'a buffered event takes no lock');
    assert.equal(
      await store.begin(e2.event, e2.json),
      'buffered',
      'redelivered while waiting: still buffered',
    );

    assert.equal(await runToEnd(store, e1), e2.json, 'finalizing 1 returns the buffered 2');
    assert.equal(await runToEnd(store, e2), null);

    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['1', '2']);
    assert.equal(await redis.get(k.seqNext(userId)), '3');
    assert.equal(await redis.exists(k.seqBuffer(userId)), 0);
    assert.equal(await redis.zscore(k.seqWaiting(), userId), null);
    assert.equal(await store.begin(e2.event, e2.json), 'dup');
  });

  it('keeps users apart', async () => {
    const { redis, store } = setup();
    const [alice, bob] = [randomName('alice'), randomName('bob')];
    const alice2 = ev(alice, 2);
    assert.equal(await store.begin(alice2.event, alice2.json), 'buffered');
    assert.equal(await runToEnd(store, ev(bob, 1)), null, 'bob’s seq 1 does not release alice’s seq 2');
    assert.deepEqual(await redis.lrange(k.order(bob), 0, -1), ['1']);
    assert.equal(await redis.exists(k.order(alice), k.seqNext(alice)), 0);
  });

  it('skips a gap open past the timeout once caught up, and runs a late seq outside the order', async () => {
    const { redis, store, clock } = setup({ gapTimeoutMs: 1_000, stallGraceMs: 500 });
    const userId = randomName('user');
    const caughtUpSince = T0 - 60_000;
    await runToEnd(store, ev(userId, 1));
    await runToEnd(store, ev(userId, 2));
    const [e3, e4] = [ev(userId, 3), ev(userId, 4)];

    clock.now = T0 + 100;
    assert.equal(await store.begin(e4.event, e4.json), 'buffered');
    clock.now = T0 + 100 + 999;
    assert.equal(await store.release(userId, caughtUpSince), null, 'the gap has not timed out yet');
    clock.now = T0 + 100 + 1_000;
    assert.deepEqual(await store.release(userId, caughtUpSince), {
      kind: 'skipped',
      json: e4.json,
      from: 3,
      to: 3,
    });

    assert.equal(await redis.get(k.seqNext(userId)), '4');
    const counters = await redis.hgetall(k.counters());
    assert.equal(counters.gapsSkipped, '1');
    assert.equal(counters.seqsSkipped, '1');
    assert.equal(await runToEnd(store, e4), null);
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['1', '2', '4']);
    assert.equal(await redis.zscore(k.seqWaiting(), userId), null);

    // Seq 3 turns up after all: processed, but not part of the order.
    assert.equal(await runToEnd(store, e3, 'late'), null);
    assert.equal((await redis.hgetall(k.event(e3.event.id))).status, 'processed');
    assert.equal((await redis.hgetall(k.counters())).late, '1');
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['1', '2', '4']);
    assert.equal(await redis.get(k.seqNext(userId)), '5');
  });

  it('skips several missing seqs at once, up to the lowest buffered one', async () => {
    const { redis, store, clock } = setup({ gapTimeoutMs: 1_000 });
    const userId = randomName('user');
    const [e5, e7] = [ev(userId, 5), ev(userId, 7)];
    assert.equal(await store.begin(e7.event, e7.json), 'buffered');
    clock.now = T0 + 400;
    assert.equal(await store.begin(e5.event, e5.json), 'buffered');
    assert.equal(
      await redis.zscore(k.seqWaiting(), userId),
      String(T0),
      'the wait began with the first early event',
    );
    clock.now = T0 + 1_000;

    assert.deepEqual(await store.release(userId, T0 - 1), { kind: 'skipped', json: e5.json, from: 1, to: 4 });
    assert.equal(await redis.get(k.seqNext(userId)), '5');
    assert.equal((await redis.hgetall(k.counters())).seqsSkipped, '4');
    assert.equal(await runToEnd(store, e5), null, '6 is missing: nothing to hand over yet');
    assert.equal(await redis.zscore(k.seqWaiting(), userId), String(T0 + 1_000), 'the wait for 6 starts now');
  });

  it('never skips while the user’s partition is behind, and times the gap from when it caught up', async () => {
    const { redis, store, clock } = setup({ gapTimeoutMs: 1_000 });
    const userId = randomName('user');
    const e3 = ev(userId, 3);
    assert.equal(await store.begin(e3.event, e3.json), 'buffered');

    clock.now = T0 + 60_000;
    assert.equal(
      await store.release(userId, undefined),
      null,
      'behind: seqs 1 and 2 may still be on their way',
    );
    const caughtUp = T0 + 59_500;
    assert.equal(await store.release(userId, caughtUp), null, 'caught up only 500 ms ago');
    clock.now = caughtUp + 1_000;
    assert.deepEqual(await store.release(userId, caughtUp), {
      kind: 'skipped',
      json: e3.json,
      from: 1,
      to: 2,
    });
    assert.equal(await redis.get(k.seqNext(userId)), '3');
  });

  it('releases a buffered next seq nobody ran (stalled) after the stall grace', async () => {
    const { redis, store, clock } = setup({ gapTimeoutMs: 60_000, stallGraceMs: 500 });
    const userId = randomName('user');
    const [e1, e2] = [ev(userId, 1), ev(userId, 2)];
    assert.equal(await store.release(userId, T0), null, 'nothing is waiting');
    assert.equal(await store.begin(e2.event, e2.json), 'buffered');
    clock.now = T0 + 100;
    // Finalizing 1 hands 2 over; the process dies before running it.
    assert.equal(await runToEnd(store, e1), e2.json);
    assert.equal(await redis.zscore(k.seqWaiting(), userId), String(T0 + 100));

    clock.now = T0 + 100 + 499;
    assert.equal(await store.release(userId, undefined), null, 'within the stall grace');
    clock.now = T0 + 100 + 500;
    assert.deepEqual(await store.release(userId, undefined), { kind: 'stalled', json: e2.json });
    assert.equal(await redis.get(k.seqNext(userId)), '2', 'a stalled release skips nothing');
    assert.equal(await redis.zscore(k.seqWaiting(), userId), String(T0 + 600), 'its grace starts over');
    assert.equal(await store.release(userId, undefined), null, 'not released twice at once');

    assert.equal(await runToEnd(store, e2), null);
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), ['1', '2']);
  });

  it('lists the users whose buffered events have waited since before a time, oldest first', async () => {
    const { store, clock } = setup();
    const [alice, bob] = [randomName('alice'), randomName('bob')];
    const alice2 = ev(alice, 2);
    assert.equal(await store.begin(alice2.event, alice2.json), 'buffered');
    clock.now = T0 + 100;
    const bob3 = ev(bob, 3);
    assert.equal(await store.begin(bob3.event, bob3.json), 'buffered');

    assert.deepEqual(await store.waitingUsers(T0 - 1, 10), []);
    assert.deepEqual(await store.waitingUsers(T0, 10), [alice]);
    assert.deepEqual(await store.waitingUsers(T0 + 100, 10), [alice, bob]);
    assert.deepEqual(await store.waitingUsers(T0 + 100, 1), [alice]);

    // Alice catches up: she is no longer waiting.
    assert.equal(await runToEnd(store, ev(alice, 1)), alice2.json);
    assert.equal(await runToEnd(store, alice2), null);
    assert.deepEqual(await store.waitingUsers(T0 + 10_000, 10), [bob]);
  });

  it('handles seqs of 15 digits and more (microsecond timestamps)', async () => {
    const { redis, store, clock } = setup({ gapTimeoutMs: 1_000 });
    const userId = randomName('user');
    const first = 1_700_000_000_000_001;
    const [a, b] = [ev(userId, first), ev(userId, first + 1)];
    assert.equal(await store.begin(a.event, a.json), 'buffered');
    clock.now = T0 + 1_000;

    assert.deepEqual(await store.release(userId, T0 - 1), {
      kind: 'skipped',
      json: a.json,
      from: 1,
      to: first - 1,
    });
    assert.equal(await store.begin(b.event, b.json), 'buffered');
    assert.equal(await runToEnd(store, a), b.json, 'finalizing the first hands the next one over');
    assert.equal(await runToEnd(store, b), null);
    assert.deepEqual(await redis.lrange(k.order(userId), 0, -1), [String(first), String(first + 1)]);
  });
});

describe('event store: a run of plain events in one script call', () => {
  const order = async (redis: Redis, userId: string) =>
    (await redis.lrange(k.order(userId), 0, -1)).map(Number);
  const letters = (verdicts: string[]) => verdicts.join(',');

  it('finalizes each event of the run as the locking path would, in order, without a lock', async () => {
    const { redis, store } = setup();
    const user = randomName('user');
    const run = [1, 2, 3].map((seq) => ev(user, seq));
    const out = await store.applyPlain(user, run);
    assert.equal(letters(out.verdicts), 'processed,processed,processed');
    assert.equal(out.following, null);
    assert.deepEqual(await order(redis, user), [1, 2, 3]);
    assert.equal(await redis.get(k.seqNext(user)), '4');

    // The same final state as begin + finalize writes, field for field.
    const other = ev(user, 4);
    await runToEnd(store, other);
    const viaLock = await redis.hgetall(k.event(other.event.id));
    const viaRun = await redis.hgetall(k.event(run[0]?.event.id ?? ''));
    assert.deepEqual(Object.keys(viaRun).sort(), Object.keys(viaLock).sort());
    assert.equal(viaRun.status, 'processed');
    assert.equal(viaRun.attempts, '1');
    assert.equal(viaRun.seq, '1');
    for (const e of run) {
      assert.equal(await redis.exists(k.dedup(e.event.id)), 1);
      assert.equal(await redis.exists(k.inflight(e.event.id)), 0, 'no lock taken');
      assert.ok((await redis.pttl(k.event(e.event.id))) > 0, 'the final state expires with the retention');
    }
    assert.equal(await redis.hget(k.counters(), 'processed'), '4');
    assert.equal(await redis.hget(k.counters(), 'type:click'), '4');
  });

  it('runs of several users queued in one turn share one script call, each with its own verdicts', async () => {
    const { redis, store } = setup();
    const [a, b, c] = [randomName('user'), randomName('user'), randomName('user')];
    const evalshaCalls = async () =>
      Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const before = await evalshaCalls();
    const [ra, rb, rc] = await Promise.all([
      store.applyPlain(a, [ev(a, 1), ev(a, 2)]),
      store.applyPlain(b, [ev(b, 2)]),
      store.applyPlain(c, [ev(c, undefined, 'x'), ev(c, 1)]),
    ]);
    assert.equal((await evalshaCalls()) - before, 1, 'one EVALSHA for the three runs');
    assert.equal(letters(ra.verdicts), 'processed,processed');
    assert.equal(letters(rb.verdicts), 'buffered', 'b waits for its seq 1');
    assert.equal(letters(rc.verdicts), 'processed,processed');
    assert.deepEqual(await order(redis, a), [1, 2]);
    assert.deepEqual(await order(redis, b), []);
    assert.deepEqual(await order(redis, c), [1]);
    assert.equal(await redis.hget(k.counters(), 'processed'), '4');
  });

  it('a duplicate inside one run is applied once', async () => {
    const { redis, store } = setup();
    const user = randomName('user');
    const [a, b] = [ev(user, 1), ev(user, 2)] as [Ev, Ev];
    const out = await store.applyPlain(user, [a, b, a, b]);
    assert.equal(letters(out.verdicts), 'processed,processed,dup,dup');
    assert.deepEqual(await order(redis, user), [1, 2]);
    assert.equal(await redis.hget(k.counters(), 'processed'), '2');
  });

  it('a redelivery from the middle of a run applies only what was not applied', async () => {
    const { redis, store } = setup();
    const user = randomName('user');
    const events = [1, 2, 3, 4, 5].map((seq) => ev(user, seq));
    await store.applyPlain(user, events.slice(0, 3));
    // Kafka hands the run out again from its second event, with two new ones behind it.
    const out = await store.applyPlain(user, events.slice(1));
    assert.equal(letters(out.verdicts), 'dup,dup,processed,processed');
    assert.deepEqual(await order(redis, user), [1, 2, 3, 4, 5]);
    assert.equal(await redis.hget(k.counters(), 'processed'), '5');
  });

  it('keeps the order across runs and across a seq that arrives early', async () => {
    const { redis, store } = setup();
    const user = randomName('user');
    const [one, two, three, four] = [1, 2, 3, 4].map((seq) => ev(user, seq)) as [Ev, Ev, Ev, Ev];
    // 3 comes before 2 in the log: buffered, then due once 2 is applied.
    const first = await store.applyPlain(user, [one, three, two]);
    assert.equal(letters(first.verdicts), 'processed,buffered,processed');
    assert.equal(first.following, three.json);
    assert.equal((await redis.zscore(k.seqWaiting(), user)) !== null, true, 'waiting for its turn');
    const released = await store.applyPlain(user, [three]);
    assert.equal(letters(released.verdicts), 'processed');
    assert.equal(await redis.hlen(k.seqBuffer(user)), 0, 'the buffered copy is gone');
    assert.equal(await redis.zscore(k.seqWaiting(), user), null);
    // The next run continues where the last one stopped.
    const next = await store.applyPlain(user, [four]);
    assert.equal(letters(next.verdicts), 'processed');
    assert.deepEqual(await order(redis, user), [1, 2, 3, 4]);

    // Two runs of 200 in a row: 1..400 once each, in order.
    const long = randomName('user');
    const all = Array.from({ length: 400 }, (_, i) => ev(long, i + 1));
    await store.applyPlain(long, all.slice(0, 200));
    await store.applyPlain(long, all.slice(200));
    assert.deepEqual(
      await order(redis, long),
      all.map((_, i) => i + 1),
    );
    assert.equal(await redis.get(k.seqNext(long)), '401');
  });

  it('an event another process runs through the locking path meanwhile is written once', async () => {
    const { redis, store, otherStore } = setup();
    const user = randomName('user');
    const [one, two, three] = [1, 2, 3].map((seq) => ev(user, seq)) as [Ev, Ev, Ev];
    const other = otherStore();
    await runToEnd(store, one);
    // Another consumer (the gap sweeper released 2 there, or the partition moved) holds 2's lock.
    assert.equal(await other.begin(two.event, two.json), 'run');
    const out = await store.applyPlain(user, [two, three]);
    assert.equal(letters(out.verdicts), 'processed,processed');
    // Its finalize finds the event done: nothing is written twice, the order stays whole.
    assert.equal(await other.finalize(two.event, two.json, processed), null);
    assert.equal(await redis.exists(k.inflight(two.event.id)), 0, 'its lock released');
    assert.deepEqual(await order(redis, user), [1, 2, 3]);
    assert.equal(await redis.hget(k.counters(), 'processed'), '3');
  });

  it('an event whose turn was skipped as a gap is processed outside the order, and counted late', async () => {
    const { redis, store } = setup();
    const user = randomName('user');
    await redis.set(k.seqNext(user), '5');
    const [late, due] = [ev(user, 2), ev(user, 5)] as [Ev, Ev];
    const out = await store.applyPlain(user, [late, due]);
    assert.equal(letters(out.verdicts), 'late,processed');
    assert.deepEqual(await order(redis, user), [5]);
    assert.equal(await redis.hget(k.counters(), 'late'), '1');
    assert.equal(await redis.hget(k.event(late.event.id), 'status'), 'processed');
  });

  it('events without seq are finalized in any number, and count per type', async () => {
    const { redis, store } = setup();
    const user = randomName('user');
    const run = [ev(user, undefined, 'a'), ev(user, undefined, 'b'), ev(user, undefined, 'a')];
    assert.equal(letters((await store.applyPlain(user, run)).verdicts), 'processed,processed,processed');
    assert.equal(await redis.exists(k.order(user)), 0);
    assert.equal(await redis.hget(k.counters(), 'type:a'), '2');
    assert.equal(await redis.hget(k.counters(), 'type:b'), '1');
  });
});
