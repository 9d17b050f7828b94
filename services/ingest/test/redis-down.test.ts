import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type OwnServer, ownRedis, randomName, waitFor } from '@evh/testing';
import { type IngestProcess, startIngest } from './ingest-process.js';

// Issue 10, items 4 and 5: while Redis is down every write route answers a coded 503 with
// Retry-After, each within 2 s (not after the reconnect backoff), and the ingest stays up.

let redis: OwnServer;
let ingest: IngestProcess;

const multipart = (userId: string) => {
  const body =
    `--b\r\nContent-Disposition: form-data; name="file"; filename="${userId}.jsonl"\r\n` +
    'Content-Type: application/x-ndjson\r\n\r\n{"a":1}\n\r\n--b--\r\n';
  return { body, type: 'multipart/form-data; boundary=b' };
};

/** One request of each POST route; the crash names a user, so it needs the rate limiter. */
const routes: [string, (n: number) => { body: string; type: string }][] = [
  [
    '/events',
    (n) => ({ body: JSON.stringify({ userId: `u${n}`, type: 'click' }), type: 'application/json' }),
  ],
  [
    '/events/batch',
    (n) => ({
      body: JSON.stringify({
        events: [
          { userId: `u${n}`, type: 'a' },
          { userId: `v${n}`, type: 'b' },
        ],
      }),
      type: 'application/json',
    }),
  ],
  [
    '/v1/crashes',
    (n) => ({
      body: JSON.stringify({ userId: `u${n}`, projectId: 'shop', message: 'boom', stack: 'at x' }),
      type: 'application/json',
    }),
  ],
  ['/api/v1/files/upload', (n) => multipart(`u${n}`)],
];

async function post(path: string, { body, type }: { body: string; type: string }) {
  const started = Date.now();
  const res = await fetch(`${ingest.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await res.json()) as { code?: string };
  return { status: res.status, headers: res.headers, json, ms: Date.now() - started };
}

before(async () => {
  // No persistence: the data need not survive the kill.
  redis = await ownRedis({ env: { REDIS_APPENDONLY: 'no' } });
  await redis.start();
  ingest = await startIngest({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${randomName('rd')}:` });
});

after(async () => {
  await ingest?.stop();
  await redis?.stop();
});

test('with Redis up, every POST route accepts', async () => {
  for (const [path, make] of routes) {
    const res = await post(path, make(0));
    assert.equal(res.status, 202, `${path}: ${JSON.stringify(res.json)}`);
  }
});

test('Redis killed: 20 requests to each POST route, each a coded 503 with Retry-After within 2 s', async () => {
  await redis.kill();
  const slowest: Record<string, number> = {};
  for (const [path, make] of routes) {
    // Sequential first (each sees the client mid-reconnect), then all at once.
    const answers = [];
    for (let n = 1; n <= 10; n++) answers.push(await post(path, make(n)));
    answers.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => post(path, make(11 + i))))));
    for (const res of answers) {
      assert.equal(res.status, 503, `${path}: ${JSON.stringify(res.json)}`);
      assert.match(String(res.json.code), /_UNAVAILABLE$/, `${path}: ${JSON.stringify(res.json)}`);
      assert.ok(Number(res.headers.get('retry-after')) >= 1, `${path}: Retry-After`);
      assert.ok(res.ms <= 2000, `${path} answered in ${res.ms} ms`);
    }
    slowest[path] = Math.max(...answers.map((a) => a.ms));
  }
  assert.ok(ingest.alive(), ingest.output());
  console.log(`slowest 503 per route while Redis is down (ms): ${JSON.stringify(slowest)}`);
});

test('Redis back: the same routes accept again without a restart', async () => {
  await redis.start();
  for (const [path, make] of routes) {
    await waitFor(`${path} accepted again`, async () => (await post(path, make(99))).status === 202, {
      timeoutMs: 10_000,
      intervalMs: 200,
    });
  }
  assert.ok(ingest.alive(), ingest.output());
});
