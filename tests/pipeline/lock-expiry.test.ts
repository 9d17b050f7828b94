import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, startPipeline } from './pipeline-fixture.js';

const USERS = 4;
const WORK_MS = 7000; // each crash outlives the 5 s lock: only renewal keeps it

let f: PipelineFixture;
before(async () => {
  // The consumer's defaults for the lock (LOCK_TTL_MS 5000, renewed every second).
  f = await startPipeline({
    CONSUMER_CONCURRENCY: String(USERS),
    CRASH_SIMULATED_WORK_MS: String(WORK_MS),
  });
});
after(async () => {
  await f?.close();
});

const crash = (projectId: string, userId: string) => ({
  projectId,
  userId,
  severity: 'error',
  message: 'slow crash',
  stacktrace: [{ file: 'Slow.java', method: 'work', line: 1 }],
});

async function locksOf(pid: number): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  for (const key of await f.inflightKeys()) {
    const token = await f.redis.get(key.slice(f.prefix.length));
    if (token?.split(':')[1] === String(pid)) held.set(key.slice(f.prefix.length), token);
  }
  return held;
}

test('a lock is renewed past its expiry while its event runs, and a SIGKILLed holder frees its users within 5 s', async () => {
  const projectId = randomName('proj');
  const users = Array.from({ length: USERS }, () => randomName('lockuser'));
  const ids: string[] = [];
  for (const u of users) {
    const res = await f.post('/v1/crashes', crash(projectId, u));
    assert.equal(res.status, 202);
    ids.push(res.json.eventId as string);
  }
  const pid = f.consumer.child.pid as number;
  const held = await waitFor('every crash to hold its lock', async () => {
    const locks = await locksOf(pid);
    return locks.size === USERS ? locks : false;
  });
  const takenAt = Date.now();

  // Past one expiry (5 s) the same holder still has every lock: the renewal works.
  await waitFor(
    'the locks to outlive their expiry',
    async () => {
      const now = await locksOf(pid);
      assert.deepEqual([...now.keys()].sort(), [...held.keys()].sort(), 'a held lock was lost');
      return Date.now() - takenAt > 5500;
    },
    { timeoutMs: 6500, intervalMs: 200 },
  );
  assert.equal(await f.processedCount(), 0, 'still running (7 s of work each)');

  const kill = await f.consumer.stop('SIGKILL');
  assert.equal(kill.signal, 'SIGKILL');
  const killedAt = Date.now();
  // Redis's own word on when the dead holder's locks go: at most one expiry from its death.
  const ttls = await Promise.all([...held.keys()].map((key) => f.redis.pttl(key)));
  const longest = Math.max(...ttls);
  assert.ok(longest <= 5000, `a lock outlives its holder by ${longest} ms`);
  const restarted = f.startConsumer();
  await waitFor('the dead holder’s locks to expire', async () => (await locksOf(pid)).size === 0, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  const freeMs = Date.now() - killedAt;
  console.log(
    `SIGKILL: the dead consumer's ${USERS} locks had at most ${longest} ms left; gone after ${(freeMs / 1000).toFixed(1)} s`,
  );
  // The polling above (a scan and a read per key, on a loaded machine) adds to what Redis said.
  assert.ok(freeMs <= longest + 1000, `locks freed ${freeMs} ms after the kill`);

  await restarted;
  const taken = await waitFor(
    'the new consumer to take the events',
    async () => {
      const locks = await locksOf(f.consumer.child.pid as number);
      return locks.size === USERS ? Date.now() : false;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  console.log(
    `SIGKILL: the users' events running again on the new consumer after ${((taken - killedAt) / 1000).toFixed(1)} s (group session timeout 6 s)`,
  );
  await waitFor('every crash processed', async () => (await f.processedCount()) === USERS, {
    timeoutMs: 30_000,
  });
  for (const id of ids) {
    assert.equal(await f.redis.hget(k.event(id), 'status'), 'processed', id);
    assert.equal(await f.redis.hget(k.event(id), 'attempts'), '1', id);
  }
  assert.deepEqual(await f.inflightKeys(), []);
});
