import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as flush, setTimeout as sleep } from 'node:timers/promises';
import type { BatchContext, ConsumedMessage } from '@evh/kafka';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createConsumerMetrics } from '../metrics.js';
import type { EventProcessor } from '../pipeline/event-processor.js';
import { createEventDispatcher } from './event-dispatcher.js';
import { createFairScheduler } from './fair-scheduler.js';
import { createPartitionProgress } from './partition-progress.js';
import { createUserLanes } from './user-lanes.js';

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const TOPIC = 'events';

/**
 * The dispatcher against a processor whose events finish when the test says so, and a
 * recording stand-in for the Kafka consumer: each case is a deterministic sequence of
 * batches, finishes and failures, and what was paused, sought and committed.
 */
function harness(
  options: { maxPendingMessages?: number; maxPendingBytes?: number; durableAfterMs?: number } = {},
) {
  // The calls that throw, as kafkajs's do while its consumer restarts after a crash.
  const crashed = new Set<'pause' | 'resume' | 'seek'>();
  const call = (what: 'pause' | 'resume' | 'seek', text: string) => {
    if (crashed.has(what)) {
      calls.push(`${text} threw`);
      throw new Error('Consumer group was not initialized, consumer#run must be called first');
    }
    calls.push(text);
  };
  const running = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  const started: string[] = [];
  const calls: string[] = [];
  const commits: Record<number, string>[] = [];
  const processor = {
    held: new Set<string>(),
    // Every message one by one: the plain-run path is tested on real Redis.
    isPlain: () => false,
    decode: (value: Buffer | null) => {
      const json = value?.toString() ?? '';
      return { event: JSON.parse(json), json };
    },
    process: ({ event }: { event: { id: string } }) =>
      new Promise<void>((resolve, reject) => {
        started.push(event.id);
        running.set(event.id, { resolve, reject });
      }),
  } as unknown as EventProcessor;
  const progress = createPartitionProgress();
  const dispatcher = createEventDispatcher({
    processor,
    lanes: createUserLanes(),
    scheduler: createFairScheduler({ capacity: 8 }),
    metrics: createConsumerMetrics(new Registry()),
    logger: pino({ level: 'silent' }),
    progress,
    maxPendingMessages: options.maxPendingMessages ?? 100,
    maxPendingBytes: options.maxPendingBytes ?? 1024 * 1024,
    redeliveryDelayMs: 20,
    durableAfterMs: options.durableAfterMs ?? 0,
    control: {
      pause: (p) => call('pause', `pause ${p}`),
      resume: (p) => call('resume', `resume ${p}`),
      seek: (p, offset) => call('seek', `seek ${p} ${offset}`),
      async commit(offsets) {
        commits.push(Object.fromEntries(offsets.map((o) => [o.partition, o.offset])));
      },
    },
  });
  const resolved: string[] = [];

  /** A batch of `partition`: [offset, user] pairs; lag 0 unless told. */
  async function batch(partition: number, messages: [number, string][], lag = '0') {
    const kafkaMessages = messages.map(
      ([offset, user]) =>
        ({
          offset: String(offset),
          key: Buffer.from(user),
          value: Buffer.from(JSON.stringify({ id: `${partition}:${offset}`, userId: user, payload: {} })),
          headers: {},
        }) as unknown as ConsumedMessage,
    );
    await dispatcher.handleBatch({
      batch: {
        topic: TOPIC,
        partition,
        messages: kafkaMessages,
        lastOffset: () => kafkaMessages.at(-1)?.offset ?? '-1',
        offsetLag: () => lag,
      },
      resolveOffset: (o: string) => void resolved.push(`${partition}:${o}`),
    } as unknown as BatchContext);
    await flush();
  }

  async function finish(id: string, err?: Error) {
    const task = running.get(id);
    assert.ok(task, `${id} is running (running: ${[...running.keys()].join(', ')})`);
    running.delete(id);
    if (err) task.reject(err);
    else task.resolve();
    await flush();
    await flush();
  }

  return { dispatcher, progress, started, calls, commits, resolved, batch, finish, running, crashed };
}

describe('createEventDispatcher', () => {
  it('returns before the work is done, so the next fetch is not held by it', async () => {
    const h = harness();
    await h.batch(0, [
      [0, 'u1'],
      [1, 'u2'],
    ]);
    assert.deepEqual(h.resolved, ['0:1'], 'fetch position moved past the batch');
    assert.deepEqual(h.started.sort(), ['0:0', '0:1']);
    assert.equal(h.dispatcher.pending, 2);
  });

  it("keeps one user's messages in offset order, across batches", async () => {
    const h = harness();
    await h.batch(0, [
      [0, 'u1'],
      [1, 'u1'],
    ]);
    await h.batch(0, [[2, 'u1']]);
    assert.deepEqual(h.started, ['0:0']);
    await h.finish('0:0');
    assert.deepEqual(h.started, ['0:0', '0:1']);
    await h.finish('0:1');
    assert.deepEqual(h.started, ['0:0', '0:1', '0:2']);
  });

  it('commits a partition up to its oldest unfinished message', async () => {
    const h = harness();
    await h.batch(3, [
      [10, 'a'],
      [11, 'b'],
      [12, 'c'],
    ]);
    await h.finish('3:11');
    await h.finish('3:12');
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [], '10 is unfinished: nothing past it');
    await h.finish('3:10');
    await h.dispatcher.commit();
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [{ 3: '13' }], 'each position committed once');
  });

  it('commits only past messages finished durableAfterMs ago (their state is on disk by then)', async () => {
    const h = harness({ durableAfterMs: 150 });
    await h.batch(3, [
      [10, 'a'],
      [11, 'b'],
    ]);
    // Read before the finishes: the dispatcher's own mark is this late or later.
    const finishedAt = Date.now();
    await h.finish('3:10');
    await h.finish('3:11');
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [], 'finished just now: not committed yet');
    await waitFor('the commit', async () => {
      await h.dispatcher.commit();
      return h.commits.length > 0;
    });
    assert.ok(Date.now() - finishedAt >= 150, `committed ${Date.now() - finishedAt} ms after the finish`);
    assert.deepEqual(h.commits, [{ 3: '12' }]);
  });

  it('marks a partition caught up only when its work is done at the high watermark', async () => {
    const h = harness();
    h.dispatcher.assigned([0]);
    await h.batch(0, [[0, 'a']], '5');
    assert.equal(h.progress.caughtUpSince(0), undefined);
    await h.finish('0:0');
    assert.equal(h.progress.caughtUpSince(0), undefined, 'lag was 5');
    await h.batch(0, [[6, 'a']], '0');
    assert.equal(h.progress.caughtUpSince(0), undefined, 'work pending');
    await h.finish('0:6');
    assert.notEqual(h.progress.caughtUpSince(0), undefined);
  });

  it('pauses a partition over its bound and resumes it at half', async () => {
    const h = harness({ maxPendingMessages: 4 });
    await h.batch(1, [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
    assert.deepEqual(h.calls, ['pause 1']);
    await h.finish('1:0');
    assert.deepEqual(h.calls, ['pause 1'], '3 pending: still over half');
    await h.finish('1:1');
    assert.deepEqual(h.calls, ['pause 1', 'resume 1']);
  });

  it('reads a failed message again: pause, seek to it after the delay, resume; later messages of the partition wait', async () => {
    const h = harness();
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
      [7, 'v'],
    ]);
    await h.finish('2:7');
    await h.finish('2:5', new Error('redis down'));
    assert.deepEqual(h.calls, ['pause 2']);
    assert.deepEqual(h.started.sort(), ['2:5', '2:7'], "u's next message never started");
    assert.equal(h.dispatcher.pending, 0, 'the failed generation is forgotten');
    // A fetch that raced the pause is ignored.
    await h.batch(2, [[8, 'w']]);
    assert.ok(!h.started.includes('2:8'));
    await waitFor('the redelivery', () => h.calls.includes('resume 2'));
    assert.deepEqual(h.calls, ['pause 2', 'seek 2 5', 'resume 2']);
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [], 'nothing committed past the failed message');
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
    ]);
    assert.equal(h.started.filter((id) => id === '2:5').length, 2);
  });

  it("reads again from the partition's oldest unfinished message, so another user's queued one is not skipped", async () => {
    const h = harness();
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
      [7, 'v'],
    ]);
    // u's 6 waits behind its 5; v's 7, after it in the partition, fails.
    await h.finish('2:7', new Error('redis down'));
    await waitFor('the seek', () => h.calls.some((c) => c.startsWith('seek')));
    assert.deepEqual(h.calls, ['pause 2', 'seek 2 5', 'resume 2'], '5 is still running and 6 never started');
    await h.finish('2:5');
    assert.ok(!h.started.includes('2:6'), 'the old generation does not start 6');
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [], 'nothing committed past 6');
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
      [7, 'v'],
    ]);
    await h.finish('2:5');
    await h.finish('2:6');
    await h.finish('2:7');
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [{ 2: '8' }]);
  });

  it('a seek that throws (the consumer crashed during the redelivery) is tried again, and the message is read again', async () => {
    const h = harness();
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
    ]);
    h.crashed.add('seek');
    h.crashed.add('resume');
    await h.finish('2:5', new Error('redis down'));
    await waitFor('a seek to fail', () => h.calls.includes('seek 2 5 threw'));
    // Still crashed: tried again, never an uncaught exception out of the timer.
    await waitFor('a second try', () => h.calls.filter((c) => c === 'seek 2 5 threw').length >= 2);
    h.crashed.clear();
    await waitFor('the seek to go through', () => h.calls.includes('seek 2 5'));
    assert.equal(h.calls.at(-1), 'resume 2');
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
    ]);
    assert.deepEqual(
      h.started,
      ['2:5', '2:5'],
      "read again from the failed message; u's next one waits behind it",
    );
    await h.finish('2:5');
    assert.deepEqual(h.started, ['2:5', '2:5', '2:6']);
  });

  it("a crash and its rejoin during a redelivery: the new generation reads the user's messages again", async () => {
    const h = harness();
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
      [7, 'u'],
    ]);
    h.crashed.add('seek');
    h.crashed.add('resume');
    h.crashed.add('pause');
    await h.finish('2:5', new Error('redis down'));
    assert.deepEqual(h.calls, ['pause 2 threw']);
    await waitFor('a seek to fail', () => h.calls.includes('seek 2 5 threw'));
    // kafkajs restarts: a new group generation, read from the committed offsets.
    h.crashed.clear();
    h.dispatcher.assigned([2]);
    const seen = h.calls.length;
    await sleep(60);
    assert.deepEqual(h.calls.slice(seen), [], 'the redelivery was left to the rejoin: no late seek');
    await h.batch(2, [
      [5, 'u'],
      [6, 'u'],
      [7, 'u'],
    ]);
    await h.finish('2:5');
    await h.finish('2:6');
    await h.finish('2:7');
    assert.deepEqual(h.started, ['2:5', '2:5', '2:6', '2:7'], 'none of the user’s messages dropped');
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, [{ 2: '8' }]);
  });

  it("a pause or resume that throws in back-pressure does not drop the rest of the user's batch", async () => {
    const h = harness({ maxPendingMessages: 2 });
    h.crashed.add('pause');
    await h.batch(0, [
      [0, 'u'],
      [1, 'u'],
      [2, 'u'],
    ]);
    assert.deepEqual(h.calls, ['pause 0 threw']);
    h.crashed.clear();
    await h.batch(0, [[3, 'v']]);
    assert.deepEqual(h.calls, ['pause 0 threw', 'pause 0'], 'tried again');
    h.crashed.add('resume');
    await h.finish('0:0');
    await h.finish('0:3');
    await h.finish('0:1');
    assert.ok(h.calls.includes('resume 0 threw'));
    assert.deepEqual(h.started, ['0:0', '0:3', '0:1', '0:2'], "u's last message still ran");
    h.crashed.clear();
    h.dispatcher.start(10);
    await waitFor('the commit tick to resume the partition', () => h.calls.at(-1) === 'resume 0');
    await h.finish('0:2');
    await h.dispatcher.drain(100);
    assert.deepEqual(h.commits.at(-1), { 0: '4' });
  });

  it('after a new assignment, queued messages are left to be redelivered', async () => {
    const h = harness();
    await h.batch(0, [
      [0, 'u'],
      [1, 'u'],
    ]);
    h.dispatcher.assigned([0]);
    await h.finish('0:0');
    assert.deepEqual(h.started, ['0:0'], '0:1 belongs to the old generation');
    await h.dispatcher.commit();
    assert.deepEqual(h.commits, []);
    // Read again from the committed offset: accepted as the new generation.
    await h.batch(0, [
      [0, 'u'],
      [1, 'u'],
    ]);
    assert.deepEqual(h.started, ['0:0', '0:0']);
  });

  it('drain waits for running events, skips queued ones and commits what finished', async () => {
    const h = harness();
    await h.batch(4, [
      [0, 'u'],
      [1, 'u'],
      [2, 'v'],
    ]);
    const drained = h.dispatcher.drain(1000);
    await flush();
    assert.ok(h.calls.includes('pause 4'));
    await h.finish('4:0');
    await h.finish('4:2');
    await drained;
    assert.deepEqual(h.started.sort(), ['4:0', '4:2'], '4:1 was queued: not started');
    assert.deepEqual(h.commits, [{ 4: '1' }]);
    await h.batch(4, [[3, 'x']]);
    assert.ok(!h.started.includes('4:3'), 'nothing is dispatched once draining');
  });

  it('drain is bounded when an event never finishes', async () => {
    const h = harness();
    await h.batch(0, [[0, 'u']]);
    const t0 = Date.now();
    await h.dispatcher.drain(50);
    assert.ok(Date.now() - t0 < 1000);
    assert.deepEqual(h.commits, []);
  });
});
