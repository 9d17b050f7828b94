import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot, tempDir, waitFor } from '@evh/testing';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';

// Issue 13: `evh` takes a key. The committed bin (what `npx evh` and `npm install -g` run)
// uploads with a project's ingest key and follows the job with its read token, against a
// real pipeline with auth on; without the key the ingest refuses it.

const run = promisify(execFile);
const ADMIN = `admin-${randomUUID()}`;
const evh = resolve(repoRoot, 'packages/cli/bin/evh.js');
let f: PipelineFixture;

before(async () => {
  f = await startPipeline(
    {},
    {
      reporter: true,
      env: { AUTH: 'on', ADMIN_TOKEN: ADMIN, AUTH_REFRESH_MS: '200', STORAGE_DIR: tempDir('evh-key-') },
    },
  );
});
after(async () => {
  await f?.close();
});

test('evh upload --key … --follow with the read token completes; without a key it is refused 401', async () => {
  const created = await f.read('/v1/projects', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'cli' }),
  });
  assert.equal(created.status, 201);
  const p = created.json;
  const file = join(tempDir('evh-key-file-'), 'payments.jsonl');
  writeFileSync(
    file,
    `${JSON.stringify({ timestamp: '2024-01-01T00:00:00Z', level: 'info', message: 'ok' })}\n`,
  );
  const base = ['upload', file, '--ingest', f.ingest.url];

  const refused = await run(process.execPath, [evh, ...base], { timeout: 30_000 }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal((refused as { code: number }).code, 1);
  assert.match((refused as { stderr: string }).stderr, /answered 401/);

  // The ingest learns a new key within its refresh period.
  const done = await waitFor(
    'the upload with the key',
    () =>
      run(
        process.execPath,
        [evh, ...base, '--reporter', f.reporter?.url ?? '', '--follow', '--interval-ms', '100'],
        {
          timeout: 60_000,
          env: { ...process.env, EVH_KEY: p.ingestKey, EVH_TOKEN: p.readToken },
        },
      ).catch(() => undefined),
    { timeoutMs: 30_000 },
  );
  assert.match(done.stdout, /job [0-9a-f-]{36} completed/);
  assert.ok(!done.stdout.includes(p.ingestKey), 'the key is not printed');
  const job = /job ([0-9a-f-]{36}) completed/.exec(done.stdout)?.[1];
  const view = await f.read(`/api/v1/jobs/${job}`, { headers: { authorization: `Bearer ${p.readToken}` } });
  assert.equal(view.json.project_id, p.projectId, "the job is the key's project's");
});
