import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomName, startService, waitFor } from '@evh/testing';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';

let f: PipelineFixture;
before(async () => {
  // No definition cache here, so a counter defined by a test applies to its next crash.
  f = await startPipeline({ COUNTER_CACHE_MS: '0' }, { reporter: true });
});
after(async () => {
  await f?.close();
});

const crash = (projectId: string, extra: Record<string, unknown> = {}) => ({
  projectId,
  severity: 'error',
  message: 'An error occurred',
  stacktrace: [
    { file: 'Crash.java', method: 'crashyMethod', line: 10 },
    { file: 'Main.java', method: 'main', line: 5 },
  ],
  metadata: { customField: 'customValue', customEntity: { id: '123', description: 'Sample metadata' } },
  ...extra,
});

async function stats(projectId: string) {
  const res = await f.read(`/v1/projects/${projectId}/stats`);
  assert.equal(res.status, 200);
  return res.json;
}

async function waitForTotal(projectId: string, total: number, invalid = 0) {
  return waitFor(`project ${projectId} to reach total ${total}, invalid ${invalid}`, async () => {
    const s = await stats(projectId);
    return s.total === total && s.invalid === invalid ? s : undefined;
  });
}

describe('ingest: POST /v1/crashes', () => {
  test("seed 000's example payload is accepted as it is", async () => {
    const res = await f.post('/v1/crashes', crash(randomName('p')));
    assert.equal(res.status, 202);
    assert.match(res.json.eventId, /^[0-9a-f-]{36}$/);
  });

  test('invalid crashes answer 400 with the reasons', async () => {
    const projectId = randomName('p');
    const cases: [unknown, RegExp][] = [
      [{ severity: 'error', message: 'x' }, /projectId/],
      [crash(projectId, { message: '' }), /message/],
      [crash(projectId, { severity: 'fatal' }), /severity/],
      [crash(projectId, { stacktrace: [{ file: 'A.java' }] }), /stacktrace\.0\.method/],
      [crash(projectId, { stacktrace: [{ method: 'm', file: 'F', line: -1 }] }), /stacktrace\.0\.line/],
      [crash(projectId, { metadata: 'x' }), /metadata/],
    ];
    for (const [body, reason] of cases) {
      const res = await f.post('/v1/crashes', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.code, 'VALIDATION_FAILED');
      assert.match(res.json.message, reason);
    }
  });
});

test("a processed crash's record says where its time went, each stamp after the one before", async () => {
  const sent = Date.now();
  const res = await f.post('/v1/crashes', crash(randomName('p')));
  assert.equal(res.status, 202);
  const view = await waitFor('the crash finalized', async () => {
    const r = await f.read(`/v1/events/${res.json.eventId}`);
    return r.status === 200 ? (r.json as Record<string, unknown>) : undefined;
  });
  const stamps = ['loggedAt', 'readAt', 'startedAt', 'processedAt'].map((k) => view[k]);
  assert.ok(
    stamps.every((t) => typeof t === 'number'),
    JSON.stringify(view),
  );
  // The Kafka timestamp is the ingest's clock, the rest the consumer's: the same host here.
  const inOrder = [sent, ...(stamps as number[])].every((t, i, all) => i === 0 || (all[i - 1] ?? 0) <= t);
  assert.ok(inOrder, JSON.stringify(view));
});

test('stats after a mix of valid and invalid crashes; zeros for a project never seen', async () => {
  const projectId = randomName('p');
  const severities = ['error', 'error', 'error', 'warning', 'warning', 'info'];
  for (const severity of severities)
    assert.equal((await f.post('/v1/crashes', crash(projectId, { severity }))).status, 202);
  for (let i = 0; i < 3; i++)
    assert.equal((await f.post('/v1/crashes', crash(projectId, { message: '' }))).status, 400);
  const s = await waitForTotal(projectId, 6, 3);
  assert.deepEqual(s, { projectId, invalid: 3, error: 3, warning: 2, info: 1, total: 6, custom: {} });
  assert.deepEqual(await stats('never-seen-project'), {
    projectId: 'never-seen-project',
    invalid: 0,
    error: 0,
    warning: 0,
    info: 0,
    total: 0,
    custom: {},
  });
});

describe("custom counters (seed 000's examples)", () => {
  test('metadata.subscription.level = "pro plan" for project "100"', async () => {
    const projectId = `100-${randomName('x')}`;
    const put = await f.read(`/v1/projects/${projectId}/counters/pro`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'metadata.subscription.level', op: 'eq', value: 'pro plan' }),
    });
    assert.equal(put.status, 201, JSON.stringify(put.json));
    const levels = ['pro plan', 'pro plan', 'free', undefined, 'pro plan'];
    for (const level of levels) {
      const metadata = level === undefined ? {} : { subscription: { level } };
      await f.post('/v1/crashes', crash(projectId, { metadata }));
    }
    const s = await waitForTotal(projectId, levels.length);
    assert.deepEqual(s.custom, { pro: 3 });
    const list = await f.read(`/v1/projects/${projectId}/counters`);
    assert.deepEqual(list.json.counters, [
      { name: 'pro', path: 'metadata.subscription.level', op: 'eq', value: 'pro plan', count: 3 },
    ]);
  });

  test('metadata.query.stats.duration > 1000 for project "200"; defined later, counts only later crashes', async () => {
    const projectId = `200-${randomName('x')}`;
    const durations = [1500, 20, 1001, 1000];
    for (const duration of durations) {
      await f.post('/v1/crashes', crash(projectId, { metadata: { query: { stats: { duration } } } }));
    }
    await waitForTotal(projectId, 4);
    const put = await f.read(`/v1/projects/${projectId}/counters/slow`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'metadata.query.stats.duration', op: 'gt', value: 1000 }),
    });
    assert.equal(put.status, 201);
    assert.deepEqual(
      (await stats(projectId)).custom,
      { slow: 0 },
      'crashes before the definition do not count',
    );
    for (const duration of [5000, 999, 1000.5]) {
      await f.post('/v1/crashes', crash(projectId, { metadata: { query: { stats: { duration } } } }));
    }
    const s = await waitForTotal(projectId, 7);
    assert.deepEqual(s.custom, { slow: 2 });

    const del = await f.read(`/v1/projects/${projectId}/counters/slow`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.deepEqual((await stats(projectId)).custom, {});
    assert.equal((await f.read(`/v1/projects/${projectId}/counters/slow`, { method: 'DELETE' })).status, 404);
  });

  test('bad definitions and prototype-pollution paths are refused with the reason', async () => {
    const projectId = randomName('p');
    const bad: [unknown, RegExp][] = [
      [{ path: 'metadata.__proto__.polluted', op: 'eq', value: 1 }, /__proto__/],
      [{ path: 'constructor.prototype', op: 'exists', value: true }, /constructor/],
      [{ path: 'metadata..x', op: 'eq', value: 1 }, /dot-separated/],
      [{ path: 'metadata.x', op: 'gt', value: 'big' }, /number/],
      [{ path: 'metadata.x', op: 'like', value: 'a' }, /op must be one of/],
      [{ path: 'metadata.x', op: 'in', value: 3 }, /array/],
    ];
    for (const [body, reason] of bad) {
      const res = await f.read(`/v1/projects/${projectId}/counters/c1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.json.message, reason, JSON.stringify(res.json));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

test('grouping: 200 crashes of 10 fingerprints through two consumers → issues 1..10, events 1..n each', async () => {
  const second = await startService('consumer', f.consumerEnv);
  try {
    const projectId = randomName('g');
    const crashes = Array.from({ length: 200 }, (_, i) => {
      const k = i % 10;
      return crash(projectId, {
        message: `Failure ${k} while handling request ${i}`,
        // Line numbers and build hashes differ between crashes of one group.
        stacktrace: [
          { file: `src/app.${(i * 7919).toString(16).padStart(8, '0')}.js`, method: `handler${k}`, line: i },
          { file: 'Main.java', method: 'main', line: i % 3 },
        ],
      });
    });
    const answers = await Promise.all(crashes.map((c) => f.post('/v1/crashes', c)));
    assert.ok(answers.every((a) => a.status === 202));
    await waitForTotal(projectId, 200);
    const list = await f.read(`/v1/projects/${projectId}/issues?limit=100&sort=count`);
    assert.equal(list.json.total, 10);
    const numbers = list.json.items
      .map((i: { number: number }) => i.number)
      .sort((a: number, b: number) => a - b);
    assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const issue of list.json.items) {
      assert.equal(issue.count, 20);
      assert.equal(issue.status, 'open');
      const events = await f.read(
        `/v1/projects/${projectId}/issues/${issue.number}/events?limit=100&order=asc`,
      );
      assert.deepEqual(
        events.json.items.map((e: { eventNumber: number }) => e.eventNumber),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const methods = new Set(
        events.json.items.map((e: { stacktrace: { method: string }[] }) => e.stacktrace[0]?.method),
      );
      assert.equal(methods.size, 1, 'one group has one top frame');
    }
  } finally {
    await second.stop();
  }
});

test('issues: read, resolve, reopen on a new crash, ignore; the n-th event', async () => {
  const projectId = randomName('i');
  await f.post('/v1/crashes', crash(projectId, { message: 'Disk full on /var' }));
  await waitForTotal(projectId, 1);
  const issue = await f.read(`/v1/projects/${projectId}/issues/1`);
  assert.equal(issue.status, 200);
  assert.equal(issue.json.title, 'Disk full on /var');
  assert.equal(issue.json.culprit, 'crashyMethod (Crash.java)');
  assert.equal((await f.read(`/v1/projects/${projectId}/issues/2`)).status, 404);

  const patch = (body: unknown) =>
    f.read(`/v1/projects/${projectId}/issues/1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal((await patch({ status: 'resolved' })).json.status, 'resolved');
  assert.equal((await f.read(`/v1/projects/${projectId}/issues?status=resolved`)).json.total, 1);
  assert.equal((await patch({ status: 'done' })).status, 400);
  assert.equal((await patch({})).status, 400);

  await f.post('/v1/crashes', crash(projectId, { message: 'Disk full on /home' }));
  await waitForTotal(projectId, 2);
  const reopened = await f.read(`/v1/projects/${projectId}/issues/1`);
  assert.equal(reopened.json.status, 'open');
  assert.equal(reopened.json.count, 2);
  assert.equal((await f.read(`/v1/projects/${projectId}/issues?status=resolved`)).json.total, 0);
  assert.equal((await f.read(`/v1/projects/${projectId}/issues?status=open`)).json.total, 1);

  const second = await f.read(`/v1/projects/${projectId}/issues/1/events/2`);
  assert.equal(second.json.message, 'Disk full on /home');
  assert.equal(second.json.eventNumber, 2);
  assert.equal((await f.read(`/v1/projects/${projectId}/issues/1/events/3`)).status, 404);
  assert.equal((await patch({ title: 'Disk full' })).json.title, 'Disk full');

  // An ignored issue stays ignored when it happens again, and keeps counting.
  assert.equal((await patch({ status: 'ignored' })).json.status, 'ignored');
  await f.post('/v1/crashes', crash(projectId, { message: 'Disk full on /tmp' }));
  await waitForTotal(projectId, 3);
  const ignored = await f.read(`/v1/projects/${projectId}/issues/1`);
  assert.equal(ignored.json.status, 'ignored');
  assert.equal(ignored.json.count, 3);
  assert.equal(ignored.json.title, 'Disk full', 'an edited title is kept');
});

test('an issue number remembered from a Redis since lost is caught and the crash renumbered', async () => {
  const projectId = randomName('p');
  const userId = randomName('u'); // one partition, so one consumer remembers the number
  const frames = (method: string) => [{ file: 'Shop.java', method, line: 1 }];
  const post = async (method: string, total: number) => {
    const res = await f.post(
      '/v1/crashes',
      crash(projectId, { userId, message: method, stacktrace: frames(method) }),
    );
    assert.equal(res.status, 202);
    await waitForTotal(projectId, total);
  };
  await post('checkout', 1); // checkout is issue 1, and the consumer remembers it
  // The project's crash state is lost (a Redis replaced without its data) ...
  const lost = await f.redis.keys(`${f.prefix}crash:{${projectId}}:*`);
  await f.redis.del(...lost.map((k) => k.slice(f.prefix.length)));
  await post('refund', 1); // ... so refund is numbered 1 now
  await post('checkout', 2); // the remembered 1 is refund's: checkout is renumbered 2
  const issue = async (n: number) => (await f.read(`/v1/projects/${projectId}/issues/${n}`)).json;
  assert.deepEqual([(await issue(1)).title, (await issue(1)).count], ['refund', 1]);
  assert.deepEqual([(await issue(2)).title, (await issue(2)).count], ['checkout', 1]);
});

test('search finds by words, newest first, within one project (and one issue)', async () => {
  const a = randomName('sa');
  const b = randomName('sb');
  const post = async (projectId: string, message: string, method = 'm') =>
    (await f.post('/v1/crashes', crash(projectId, { message, stacktrace: [{ file: 'F.kt', method }] }))).json
      .eventId as string;
  const first = await post(a, 'Payment gateway timeout after 30s');
  const second = await post(a, 'Gateway TIMEOUT while refunding', 'refund');
  await post(a, 'Null pointer in checkout');
  await post(b, 'payment gateway timeout in project b');
  await waitForTotal(a, 3);
  await waitForTotal(b, 1);

  const search = async (projectId: string, q: string, extra = '') =>
    (await f.read(`/v1/projects/${projectId}/search?q=${encodeURIComponent(q)}${extra}`)).json;
  const both = await search(a, 'gateway timeout');
  assert.equal(both.total, 2);
  assert.deepEqual(
    both.items.map((c: { eventId: string }) => c.eventId),
    [second, first],
    'newest first',
  );
  assert.equal((await search(a, 'payment gateway')).total, 1);
  assert.equal((await search(a, 'timeout checkout')).total, 0);
  assert.equal((await search(b, 'gateway')).total, 1, 'project b sees only its own crash');
  const refundIssue = (await search(a, 'refunding')).items[0].issue;
  assert.equal((await search(a, 'gateway', `&issue=${refundIssue}`)).total, 1);
  assert.equal((await f.read(`/v1/projects/${a}/search?q=%20`)).status, 400);
});

test('the severity series: a crash counts in the latest minute and hour bucket, once however often redelivered', async () => {
  const projectId = randomName('p');
  for (const severity of ['error', 'error', 'warning'])
    assert.equal((await f.post('/v1/crashes', crash(projectId, { severity }))).status, 202);
  await waitForTotal(projectId, 3);
  for (const [resolution, buckets, bucketMs] of [
    ['minute', 60, 60_000],
    ['hour', 168, 3_600_000],
  ] as const) {
    const res = await f.read(`/v1/projects/${projectId}/stats/series?resolution=${resolution}`);
    assert.equal(res.status, 200);
    assert.equal(res.json.bucketMs, bucketMs);
    assert.equal(res.json.buckets.length, buckets);
    const starts = res.json.buckets.map((b: { start: number }) => b.start);
    assert.deepEqual(
      [...starts].sort((a, b) => a - b),
      starts,
      'oldest first',
    );
    // Sent a moment ago: in the last bucket, or the one before when a boundary fell in between.
    const [before, last] = res.json.buckets.slice(-2);
    const sum = (k: 'error' | 'warning' | 'info') => before[k] + last[k];
    assert.deepEqual([sum('error'), sum('warning'), sum('info')], [2, 1, 0], resolution);
    assert.ok(last.start <= Date.now() && Date.now() < last.start + bucketMs);
  }
  // Each bucket expires on its own, a retention after it starts.
  const keys = await f.redis.keys(`${f.prefix}crash:{${projectId}}:series:minute:*`);
  assert.ok(keys.length >= 1);
  for (const key of keys) {
    const ttl = await f.redis.pttl(key.slice(f.prefix.length));
    assert.ok(ttl > 60 * 60_000 && ttl <= 2 * 60 * 60_000, `ttl ${ttl}`);
  }
  const bad = await f.read(`/v1/projects/${projectId}/stats/series?resolution=second`);
  assert.equal(bad.status, 400);
});

test('the quota route: none for a project without one; the effective one and its usage otherwise', async () => {
  const projectId = randomName('p');
  const none = await f.read(`/v1/projects/${projectId}/quota`);
  assert.equal(none.status, 200);
  assert.deepEqual(none.json, { projectId, quota: null, acceptedLastMinute: 0, throttledLastMinute: 0 });
  await f.redis.hset(
    'quota:effective',
    projectId,
    JSON.stringify({ eventsPerSecond: 1, burst: 2, weight: 1, mode: 'enforce', source: 'test' }),
  );
  // Readers re-read the quotas only after the version moves, as the controller moves it.
  await f.redis.incr('quota:version');
  await waitFor('the ingest to apply the quota', async () => {
    const res = await f.post('/v1/crashes', crash(projectId));
    return res.status === 429;
  });
  const q = await f.read(`/v1/projects/${projectId}/quota`);
  assert.equal(q.json.quota.eventsPerSecond, 1);
  assert.ok(q.json.acceptedLastMinute >= 1, JSON.stringify(q.json));
  assert.ok(q.json.throttledLastMinute >= 1, JSON.stringify(q.json));
});
