import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineKeys as k } from '@evh/redis';
import { randomName, rawRequest } from '@evh/testing';
import { type PipelineFixture, range, startPipeline, waitForDrain } from './pipeline-fixture.js';

let f: PipelineFixture;
before(async () => {
  f = await startPipeline();
});
after(async () => {
  await f?.close();
});

test('a 4.5 MB batch for one user (one partition) is accepted and processed, not refused by Kafka', async () => {
  const userId = randomName('big');
  const blob = 'x'.repeat(45_000);
  const events = range(1, 100).map((seq) => ({ userId, type: 'big', payload: { seq, blob } }));
  const res = await f.post('/events/batch', { events });
  assert.equal(res.status, 202, JSON.stringify(res.json).slice(0, 300));
  assert.ok(res.json.results.every((r: { status: string }) => r.status === 'accepted'));
  await waitForDrain(f, 100);
  assert.deepEqual((await f.redis.lrange(k.order(userId), 0, -1)).map(Number), range(1, 100));
});

test('a body over MAX_BODY_BYTES is a 413, never a Kafka error', async () => {
  const body = JSON.stringify({ userId: 'u', type: 'huge', payload: { blob: 'x'.repeat(6 * 1024 * 1024) } });
  // On a raw socket: the ingest answers 413 from the Content-Length and may close before the
  // body is all written, which an HTTP client reports as a reset instead of the answer.
  const res = await rawRequest({
    port: f.ingest.port,
    head: [
      'POST /events HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ].join('\r\n'),
    chunks: [body],
    finish: 'keep',
  });
  assert.equal(res.status, 413, res.headers);
  assert.equal(JSON.parse(res.body).code, 'BODY_TOO_LARGE');
});
