// The seed-004 contract, a crash grouped into an issue and an upload job, through the
// Services of a release installed with `helm install` on the real one-node cluster, with the
// chart's default of authentication on: a project created through the admin API, its ingest
// key to send, its read token to read (the seed-004 /events stay open, as that contract has no key).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomName, waitFor } from '@evh/testing';
import {
  asAdmin,
  bearer,
  createProject,
  ingestUrl,
  readyPods,
  reporterUrl,
  request,
  sendOnceKnown,
} from './kube-fixture.js';

test('every component of the release is Ready, the consumer and the stores included', () => {
  for (const component of ['ingest', 'consumer', 'reporter', 'controller', 'kafka', 'redis', 'objectstore']) {
    assert.ok(readyPods(component).length >= 1, `no Ready ${component} pod`);
  }
});

test('events posted to the ingest Service are read back processed, in order per user', async () => {
  const ingest = ingestUrl();
  const reporter = reporterUrl();
  const users = [randomName('u'), randomName('u')];
  const ids: string[] = [];
  for (const userId of users) {
    for (let seq = 1; seq <= 10; seq++) {
      const eventId = `${userId}-${seq}`;
      const res = await request(`${ingest}/events`, {
        method: 'POST',
        json: { eventId, userId, type: 'page_view', payload: { seq } },
      });
      assert.equal(res.status, 202, JSON.stringify(res.json));
      assert.equal(res.json.eventId, eventId);
      ids.push(eventId);
    }
  }
  for (const eventId of ids) {
    const state = await waitFor(
      `event ${eventId} processed`,
      async () => {
        const res = await request(`${reporter}/v1/events/${eventId}`, { headers: asAdmin() });
        return res.status === 200 ? res.json : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    assert.equal(state.status, 'processed', JSON.stringify(state));
  }
});

test('two crashes with one stack trace become one issue with two events', async () => {
  const ingest = ingestUrl();
  const reporter = reporterUrl();
  const projectId = randomName('kube-crash');
  const keys = await createProject(projectId);
  const crash = {
    projectId,
    severity: 'error',
    message: 'Disk full on /var',
    stacktrace: [
      { file: 'Crash.java', method: 'crashyMethod', line: 10 },
      { file: 'Main.java', method: 'main', line: 5 },
    ],
    metadata: { pod: 'test' },
  };
  const send = () =>
    request(`${ingest}/v1/crashes`, { method: 'POST', headers: bearer(keys.ingestKey), json: crash });
  for (let i = 0; i < 2; i++) {
    const res = await sendOnceKnown(send);
    assert.equal(res.status, 202, JSON.stringify(res.json));
  }
  const anonymous = await request(`${ingest}/v1/crashes`, { method: 'POST', json: crash });
  assert.equal(anonymous.status, 401, 'a crash without a key is refused');
  const issue = await waitFor(
    'the issue to count 2 events',
    async () => {
      const res = await request(`${reporter}/v1/projects/${projectId}/issues/1`, {
        headers: bearer(keys.readToken),
      });
      return res.status === 200 && res.json.count === 2 ? res.json : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  assert.equal(issue.title, 'Disk full on /var');
  // Another reporter replica may not know the new project's token yet (its credential cache is
  // re-read within AUTH_REFRESH_MS): a 401 there is a wait, not the answer.
  const list = await waitFor(
    'the issue list',
    async () => {
      const res = await request(`${reporter}/v1/projects/${projectId}/issues`, {
        headers: bearer(keys.readToken),
      });
      return res.status === 401 ? undefined : res;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  assert.equal(list.status, 200, JSON.stringify(list.json));
  assert.equal(list.json.total, 1, JSON.stringify(list.json));
});

test('an uploaded log file is stored in the object store and its job completes', async () => {
  const lines = Array.from(
    { length: 500 },
    (_, i) =>
      `2026-12-02T0${i % 10}:00:00Z ${i % 7 === 0 ? 'ERROR' : 'INFO'} payments user${i % 13} payment ${i} done`,
  );
  const keys = await createProject(randomName('kube-upload'));
  const upload = async () => {
    const form = new FormData();
    form.append('file', new Blob([`${lines.join('\n')}\n`], { type: 'text/plain' }), 'payments.log');
    return request(`${ingestUrl()}/api/v1/files/upload`, {
      method: 'POST',
      headers: bearer(keys.ingestKey),
      body: form,
      signal: AbortSignal.timeout(30_000),
    });
  };
  const res = await sendOnceKnown(upload);
  const body = res.json as { job_id?: string; message?: string };
  assert.equal(res.status, 202, body.message);
  const reporter = reporterUrl();
  const job = await waitFor(
    'the upload job to complete',
    async () => {
      const r = await request(`${reporter}/api/v1/jobs/${body.job_id}`, { headers: bearer(keys.readToken) });
      if (r.json?.status === 'failed') throw new Error(`job failed: ${r.json.error}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  assert.equal(job.status, 'completed');
  const summary = await request(`${reporter}/api/v1/jobs/${body.job_id}/summary`, {
    headers: bearer(keys.readToken),
  });
  assert.equal(summary.status, 200, JSON.stringify(summary.json));
});
