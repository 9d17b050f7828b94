import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot, waitFor } from '@evh/testing';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';
import { ensurePythonSdk } from './python-sdk.js';

// Issue 13, part 4: the real SDKs, @sentry/node and Python's sentry-sdk, report to a whole
// pipeline of real processes with auth on; each crash must come out as an issue with the
// right title, frames, level and tags.

const run = promisify(execFile);
const ADMIN = `admin-${randomUUID()}`;
let f: PipelineFixture;
let python: string;

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the services answered.
type Json = any;

before(async () => {
  const [fixture, py] = await Promise.all([
    // LOG_LEVEL=info: the request lines are logged, so the test can show no key is in them.
    startPipeline(
      { COUNTER_CACHE_MS: '0' },
      { reporter: true, env: { AUTH: 'on', ADMIN_TOKEN: ADMIN, AUTH_REFRESH_MS: '200', LOG_LEVEL: 'info' } },
    ),
    ensurePythonSdk(),
  ]);
  f = fixture;
  python = py;
});
after(async () => {
  await f?.close();
});

async function reporter(path: string, token: string, init: { method?: string; body?: unknown } = {}) {
  return f.read(path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

async function project(name: string): Promise<Json> {
  const res = await reporter('/v1/projects', ADMIN, { method: 'POST', body: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  // A custom counter on a tag the SDKs set: metadata.tags.plan = "pro".
  const put = await reporter(`/v1/projects/${res.json.projectId}/counters/pro`, res.json.readToken, {
    method: 'PUT',
    body: { path: 'metadata.tags.plan', op: 'eq', value: 'pro' },
  });
  assert.ok([200, 201].includes(put.status), JSON.stringify(put.json));
  // The ingest knows a new key within its refresh period: an SDK would lose what it sent before.
  await waitFor(`the ingest to know ${res.json.projectId}'s key`, async () => {
    const probe = await fetch(
      `${f.ingest.url}/api/${res.json.number}/envelope/?sentry_key=${res.json.ingestKey}`,
      {
        method: 'POST',
        body: '{}\n{"type":"client_report"}\n{"discarded_events":[]}\n',
      },
    );
    return probe.status === 200;
  });
  return res.json;
}

/** The project's issues once there are `n`, each with its first crash. */
async function issuesOf(p: Json, n: number): Promise<{ issue: Json; crash: Json }[]> {
  const issues = await waitFor(
    `${n} issues in ${p.projectId}`,
    async () => {
      const res = await reporter(`/v1/projects/${p.projectId}/issues?limit=50`, p.readToken);
      return res.status === 200 && res.json.items.length >= n ? (res.json.items as Json[]) : undefined;
    },
    { timeoutMs: 30_000 },
  );
  return Promise.all(
    issues.map(async (issue) => {
      const events = await reporter(`/v1/projects/${p.projectId}/issues/${issue.number}/events`, p.readToken);
      return { issue, crash: events.json.items[0] };
    }),
  );
}

function byTitle(list: { issue: Json; crash: Json }[], title: string) {
  const found = list.find((x) => x.issue.title === title);
  assert.ok(found, `no issue "${title}" in ${JSON.stringify(list.map((x) => x.issue.title))}`);
  return found;
}

describe('@sentry/node (npm), with the DSN POST /v1/projects returned', () => {
  test('captureException, captureMessage, an unhandled rejection: issues with title, frames, level, tags', async () => {
    const p = await project('node app');
    const client = resolve(repoRoot, 'tests/dist/sentry/node-sdk-client.js');
    const { stdout } = await run(process.execPath, [client, p.dsn], { timeout: 60_000 });
    assert.match(stdout, /flushed=true/);
    const issues = await issuesOf(p, 3);
    const thrown = byTitle(issues, 'Error: node checkout failed');
    assert.equal(thrown.issue.severity, 'error');
    const top = thrown.crash.stacktrace[0];
    assert.equal(top.method, 'checkout', JSON.stringify(thrown.crash.stacktrace.slice(0, 3)));
    assert.match(top.file, /node-sdk-client\.js$/);
    assert.equal(top.inApp, true);
    assert.equal(typeof top.line, 'number');
    assert.equal(thrown.crash.metadata.tags.plan, 'pro');
    assert.equal(thrown.crash.metadata.release, 'shop@1.0.0');
    assert.equal(thrown.crash.metadata.environment, 'test');
    assert.match(thrown.crash.metadata.sdk.name, /sentry\.javascript\.node/);
    assert.match(thrown.crash.eventId, /^[0-9a-f]{32}$/);
    const message = byTitle(issues, 'node low stock');
    assert.equal(message.issue.severity, 'warning');
    byTitle(issues, 'Error: node unhandled rejection');
    const stats = await reporter(`/v1/projects/${p.projectId}/stats`, p.readToken);
    assert.equal(stats.json.custom.pro, 3, 'the tag counter counted every crash');
  });
});

describe("Python's sentry-sdk (pip, in the harness's virtual environment)", () => {
  test('capture_exception, capture_message, an uncaught exception: issues with title, frames, level, tags', async () => {
    const p = await project('python app');
    const client = resolve(repoRoot, 'tests/sentry/python_sdk_client.py');
    // The script ends on its uncaught exception (exit 1) once the SDK reported it.
    const done = await run(python, [client, p.dsn], { timeout: 60_000 }).catch(
      (err: { code?: number; stderr?: string }) => err,
    );
    assert.ok('code' in done ? done.code === 1 : true, JSON.stringify(done));
    const issues = await issuesOf(p, 3);
    const caught = byTitle(issues, 'ValueError: python checkout failed');
    assert.equal(caught.issue.severity, 'error');
    const top = caught.crash.stacktrace[0];
    assert.equal(top.method, 'checkout', JSON.stringify(caught.crash.stacktrace));
    assert.match(top.file, /python_sdk_client\.py$/);
    assert.equal(caught.crash.metadata.tags.plan, 'pro');
    assert.equal(caught.crash.metadata.platform, 'python');
    assert.equal(byTitle(issues, 'python low stock').issue.severity, 'warning');
    const uncaught = byTitle(issues, "KeyError: 'missing'");
    assert.equal(uncaught.crash.stacktrace[0].method, 'crash');
    const stats = await reporter(`/v1/projects/${p.projectId}/stats`, p.readToken);
    assert.equal(stats.json.custom.pro, 3);
  });
});

describe('the same event twice, a wrong key, and no secret anywhere', () => {
  test('an SDK retry (the same event_id) is counted once', async () => {
    const p = await project('dup');
    const post = (eventId: string) =>
      fetch(`${f.ingest.url}/api/${p.number}/envelope/?sentry_key=${p.ingestKey}`, {
        method: 'POST',
        body: `{"event_id":"${eventId}"}\n{"type":"event"}\n{"event_id":"${eventId}","message":"dup ${eventId}"}\n`,
      });
    const dup = randomUUID().replace(/-/g, '');
    assert.equal((await post(dup)).status, 200);
    assert.equal((await post(dup)).status, 200);
    assert.equal((await post(randomUUID().replace(/-/g, ''))).status, 200);
    await waitFor(
      'both events',
      async () => (await reporter(`/v1/projects/${p.projectId}/stats`, p.readToken)).json.total >= 2,
    );
    await sleep(1000);
    assert.equal((await reporter(`/v1/projects/${p.projectId}/stats`, p.readToken)).json.total, 2);
  });

  test('a DSN with a wrong key: the SDK is answered 401 and nothing is stored', async () => {
    const p = await project('wrong key');
    const wrongDsn = p.dsn.replace(p.ingestKey, `evhi_${'0'.repeat(40)}`);
    const direct = await fetch(
      `${f.ingest.url}/api/${p.number}/envelope/?sentry_key=evhi_${'0'.repeat(40)}`,
      {
        method: 'POST',
        body: '{}\n{"type":"event"}\n{"message":"x"}\n',
      },
    );
    assert.equal(direct.status, 401);
    const client = resolve(repoRoot, 'tests/dist/sentry/node-sdk-client.js');
    await run(process.execPath, [client, wrongDsn], { timeout: 60_000 }).catch(() => undefined);
    await sleep(1500);
    const stats = await reporter(`/v1/projects/${p.projectId}/stats`, p.readToken);
    assert.equal(stats.json.total, 0);
  });

  test('no key or token in the logs, Redis values or metrics', async () => {
    const p = await project('secrets');
    const res = await fetch(`${f.ingest.url}/api/${p.number}/envelope/?sentry_key=${p.ingestKey}`, {
      method: 'POST',
      body: '{}\n{"type":"event"}\n{"message":"secret test"}\n',
    });
    assert.equal(res.status, 200);
    await reporter(`/v1/projects/${p.projectId}/stats?token=${p.readToken}`, p.readToken);
    await waitFor(
      'the crash',
      async () => (await reporter(`/v1/projects/${p.projectId}/stats`, p.readToken)).json.total === 1,
    );
    const metrics = (
      await Promise.all(
        [f.ingest.url, f.reporter?.url].map((u) => fetch(`${u}/metrics`).then((r) => r.text())),
      )
    ).join('\n');
    const logs = [f.ingest.output(), f.consumer.output(), f.reporter?.output() ?? ''].join('\n');
    assert.match(logs, /sentry_key=\[redacted\]/, 'the request was logged, with its key redacted');
    const keys = await f.redis.keys(`${f.prefix}*`);
    const values: string[] = [];
    for (const full of keys) {
      const key = full.slice(f.prefix.length);
      const type = await f.redis.type(key);
      if (type === 'hash') values.push(JSON.stringify(await f.redis.hgetall(key)));
      else if (type === 'string') values.push((await f.redis.get(key)) ?? '');
      else if (type === 'list') values.push((await f.redis.lrange(key, 0, -1)).join('\n'));
      else if (type === 'zset') values.push((await f.redis.zrange(key, 0, -1)).join('\n'));
    }
    for (const secret of [p.ingestKey, p.readToken, ADMIN]) {
      assert.ok(!logs.includes(secret), 'a secret is in the logs');
      assert.ok(!metrics.includes(secret), 'a secret is in the metrics');
      assert.ok(!values.join('\n').includes(secret), 'a secret is in Redis');
    }
  });
});
