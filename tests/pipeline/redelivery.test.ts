import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { metricValue, randomName, waitFor } from '@evh/testing';
import { type PipelineFixture, range, startPipeline } from './pipeline-fixture.js';

let f: PipelineFixture;
before(async () => {
  // An event whose lock stays taken fails with LOCK_TIMEOUT after LOCK_TTL_MS + 1 s.
  f = await startPipeline({ LOCK_TTL_MS: '300', REDELIVERY_DELAY_MS: '100' });
});
after(async () => {
  await f?.close();
});

async function metric(name: string): Promise<number> {
  return metricValue(await (await fetch(`${f.consumer.url}/metrics`)).text(), name);
}

test('an event that cannot be finalized is read again from Kafka, and its user waits behind it', async () => {
  const user = randomName('redeliver');
  const blocked = randomUUID();
  // Someone else holds the event's processing lock for 3.5 s: every attempt before then
  // times out, which is the consumer's signal that it did not finalize the event. A crash
  // report, since only events with work outside Redis take the lock (a plain event is one
  // atomic script, ADR 0009); it is keyed by its user like the user's events.
  await f.redis.set(k.inflight(blocked), 'another-consumer', 'PX', 3500);
  const before = await metric('evh_consumer_redeliveries_total');
  const first = await f.post('/v1/crashes', {
    eventId: blocked,
    userId: user,
    projectId: randomName('redeliver'),
    message: 'blocked',
  });
  assert.equal(first.status, 202);
  const later: string[] = [];
  for (const i of range(1, 5)) {
    const r = await f.post('/events', { userId: user, type: 'after', payload: { i } });
    assert.equal(r.status, 202);
    later.push(r.json.eventId as string);
  }
  await waitFor(
    'every event of the user processed',
    async () => {
      const states = await Promise.all([blocked, ...later].map((id) => f.redis.hget(k.event(id), 'status')));
      return states.every((s) => s === 'processed');
    },
    { timeoutMs: 20_000 },
  );
  assert.ok((await metric('evh_consumer_redeliveries_total')) >= before + 1, 'read again at least once');
  const blockedAt = Number(await f.redis.hget(k.event(blocked), 'processedAt'));
  assert.ok(blockedAt >= Date.now() - 20_000);
  for (const id of later) {
    const at = Number(await f.redis.hget(k.event(id), 'processedAt'));
    assert.ok(at >= blockedAt, `${id} processed at ${at}, before the blocked event (${blockedAt})`);
  }
  // Processed once each, whatever was read twice.
  assert.equal(await f.processedCount(), 6);
  await waitFor('offsets committed', async () => (await f.lag()) === 0, { timeoutMs: 10_000 });
});
