import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineKeys as k } from '@evh/redis';
import { randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, rawProducer, startPipeline } from './pipeline-fixture.js';

let f: PipelineFixture;
before(async () => {
  f = await startPipeline({ MAX_ATTEMPTS: '2', RETRY_BACKOFF_MS: '10' }, { reporter: true });
});
after(async () => {
  await f?.close();
});

const post = (path: string, body?: unknown) =>
  f.read(path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

/** Events that fail until `untilMs`, then go through: a transient failure. */
async function deadLetters(n: number, untilMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await f.post('/events', {
      userId: randomName('u'),
      type: 'replay',
      payload: { failUntil: untilMs },
    });
    assert.equal(res.status, 202);
    ids.push(res.json.eventId);
  }
  await waitFor(`${n} dead letters`, async () => {
    const states = await Promise.all(ids.map((id) => f.redis.hget(k.event(id), 'status')));
    return states.every((s) => s === 'failed');
  });
  return ids;
}

const status = (id: string) => f.redis.hget(k.event(id), 'status');
const counter = async (name: string) => Number((await f.redis.hget(k.counters(), name)) ?? 0);

test('a dead letter replayed twice at once is processed once more, not twice; a third replay does nothing', async () => {
  // Long enough for the event to fail its attempts before the failure ends, under load too.
  const until = Date.now() + 3000;
  const [id = ''] = await deadLetters(1, until);
  const dlq = await f.read('/v1/dlq?limit=10');
  const letter = dlq.json.items.find((d: { eventId: string }) => d.eventId === id);
  assert.equal(letter.attempts, 2);
  assert.match(letter.error, /PROCESSING_FAILED: payload\.failUntil/);
  assert.equal(letter.state, 'dead');
  await sleep(Math.max(0, until + 100 - Date.now()));

  const processedBefore = await counter('processed');
  const [a, b] = await Promise.all([post(`/v1/dlq/${id}/replay`), post(`/v1/dlq/${id}/replay`)]);
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.deepEqual([a.json.outcome, b.json.outcome].sort(), ['queued', 'replaying']);
  assert.equal(a.json.replays, 1);
  await waitFor('the replay to be processed', async () => (await status(id)) === 'processed');

  const again = await post(`/v1/dlq/${id}/replay`);
  assert.equal(again.status, 202);
  assert.equal(again.json.outcome, 'replayed');
  // Produced once: the pipeline finalized it once more, and only once.
  await sleep(1000);
  assert.equal((await counter('processed')) - processedBefore, 1);
  assert.equal(await counter('replayed'), 1);
  const after = await f.redis.hgetall(k.dlq(id));
  assert.equal(after.state, 'replayed');
  assert.equal(after.replays, '1');
  assert.equal(await f.redis.zscore(k.dlqDead(), id), null);
  const health = await f.read('/v1/pipeline/health');
  assert.equal(health.status, 200);
  assert.equal(health.json.counters.replayed, 1);
  assert.equal(typeof health.json.lag?.total, 'number', 'the reporter reads the consumer lag from Kafka');
});

test('POST /v1/dlq/replay replays the waiting letters in bounded calls until none remains', async () => {
  const until = Date.now() + 3000;
  const ids = await deadLetters(5, until);
  await sleep(Math.max(0, until + 100 - Date.now()));
  const first = await post('/v1/dlq/replay', { limit: 2 });
  assert.equal(first.status, 202);
  assert.equal(first.json.queued, 2);
  assert.ok(first.json.remaining >= 3, JSON.stringify(first.json));
  let remaining = first.json.remaining;
  for (let round = 0; remaining > 0 && round < 10; round++) {
    const r = await post('/v1/dlq/replay', { limit: 2 });
    assert.ok(r.json.queued <= 2);
    remaining = r.json.remaining;
  }
  assert.equal(remaining, 0);
  await waitFor('every replay processed', async () => {
    const states = await Promise.all(ids.map(status));
    return states.every((s) => s === 'processed');
  });
  const tooMany = await post('/v1/dlq/replay', { limit: 5000 });
  assert.equal(tooMany.status, 400);
});

test('a letter that still fails is dead again, listed once, its attempts added up', async () => {
  const [id = ''] = await deadLetters(1, Date.now() + 60 * 60_000);
  const listed = async () => (await f.redis.lrange(k.dlqList(), 0, -1)).filter((x) => x === id).length;
  assert.equal(await listed(), 1);
  const r = await post(`/v1/dlq/${id}/replay`);
  assert.equal(r.json.outcome, 'queued');
  await waitFor('the replay to fail again', async () => (await f.redis.hget(k.dlq(id), 'state')) === 'dead');
  const letter = await f.redis.hgetall(k.dlq(id));
  assert.equal(letter.attempts, '4');
  assert.equal(letter.replays, '1');
  assert.equal(await status(id), 'failed');
  assert.equal(await listed(), 1);
  assert.notEqual(await f.redis.zscore(k.dlqDead(), id), null, 'waiting for a replay again');
});

test('a message that was not an event is not replayable; an unknown id is 404', async () => {
  const producer = await rawProducer(f.kafka);
  const id = randomName('poison');
  await producer.send({ topic: f.topic, acks: -1, messages: [{ key: 'x', value: JSON.stringify({ id }) }] });
  await producer.disconnect();
  await waitFor('the poison dead-lettered', async () => (await status(id)) === 'failed');
  const r = await post(`/v1/dlq/${id}/replay`);
  assert.equal(r.status, 409);
  assert.equal(r.json.code, 'DLQ_NOT_REPLAYABLE');
  const missing = await post('/v1/dlq/no-such-event/replay');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.code, 'DLQ_NOT_FOUND');
});
