import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { jobKeys, type LiveJobWrite } from '@evh/redis';
import { randomName, tempDir, waitFor } from '@evh/testing';
import WebSocket from 'ws';
import { type PipelineFixture, rawProducer, startPipeline } from '../pipeline/pipeline-fixture.js';
import { plainCounts, SAMPLE, sampleText, uploadFile, waitForJob } from './job-fixture.js';

const PLANTED = [299, 376, 442, 741, 818, 884, 964];

describe('upload jobs on the local object store', () => {
  let f: PipelineFixture;
  before(async () => {
    f = await startPipeline({}, { reporter: true, env: { STORAGE_DIR: tempDir('evh-jobs-') } });
  });
  after(async () => {
    await f?.close();
  });

  test('the sample payment log completes; its summary matches evh analyze and plain counts', async () => {
    const projectId = randomName('pay');
    const jobId = await uploadFile(f, SAMPLE, { projectId, name: 'payments.log' });
    const job = await waitForJob(f, jobId);
    const plain = plainCounts(sampleText());
    assert.equal(job.progress.percent, 100);
    assert.equal(job.progress.lines_read, plain.lines);
    assert.equal(job.progress.valid + job.progress.invalid, plain.lines);
    assert.equal(job.progress.processed, job.progress.valid, 'completed means every valid line finalized');

    const summary = (await f.read(`/api/v1/jobs/${jobId}/summary`)).json;
    assert.deepEqual(summary.payment_statuses, plain.payment_statuses);
    assert.deepEqual(summary.top_services, plain.top_services);
    assert.deepEqual(summary.top_users, plain.top_users);
    assert.deepEqual(summary.peak_hours, plain.peak_hours);

    // The offline tool on the same file gives the same figures.
    const out = tempDir('evh-analyze-');
    const cli = fileURLToPath(new URL('../../../packages/cli/dist/src/main.js', import.meta.url));
    const run = spawnSync(process.execPath, [cli, 'analyze', fileURLToPath(SAMPLE), '--out', out], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const offline = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const field of ['payment_statuses', 'top_services', 'top_users', 'peak_hours']) {
      assert.deepEqual(summary[field], offline[field], field);
    }
    assert.equal(offline.valid, job.progress.valid);

    const project = (await f.read(`/v1/projects/${projectId}/summary`)).json;
    assert.deepEqual(project.payment_statuses, plain.payment_statuses);

    // Every planted bad line is reported, as an invalid line or as an anomaly.
    const anomalies: { kind: string; where: { line: number } }[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = (await f.read(`/api/v1/jobs/${jobId}/anomalies?limit=500&offset=${offset}`)).json;
      anomalies.push(...page.items);
      if (anomalies.length >= page.total) break;
    }
    const reported = new Set([
      ...anomalies.map((a) => a.where.line),
      ...summary.invalid_samples.map((s: { line: number }) => s.line),
    ]);
    for (const line of PLANTED) assert.ok(reported.has(line), `line ${line} is reported`);
    const kinds = new Set(anomalies.map((a) => a.kind));
    for (const kind of ['unknown_status', 'impossible_timestamp', 'missing_field'])
      assert.ok(kinds.has(kind), kind);
    const projectAnomalies = (await f.read(`/v1/projects/${projectId}/anomalies`)).json;
    assert.ok(projectAnomalies.total >= PLANTED.length);
    // And counted in the consumer's metrics.
    const metrics = await (await fetch(`${f.consumer.url}/metrics`)).text();
    const unknown = /evh_logs_anomalies_total\{kind="unknown_status"[^}]*\} (\d+)/.exec(metrics);
    assert.ok(Number(unknown?.[1]) >= 4, `unknown_status anomalies in /metrics: ${unknown?.[0]}`);
  });

  test('the WebSocket sends the state on connect, then each stage in order up to completed', async () => {
    const lines = Array.from(
      { length: 400 },
      (_, i) =>
        `2025-07-22T${String(i % 24).padStart(2, '0')}:00:00Z SUCCESS Svc${i % 7} user${i % 13} ok ${i}`,
    );
    const file = join(tempDir('evh-ws-'), 'ws.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    // Upload first, connect while it runs: the socket must still end with `completed`.
    const jobId = await uploadFile(f, file);
    const reporter = f.reporter;
    assert.ok(reporter);
    const ws = new WebSocket(`${reporter.url.replace('http', 'ws')}/ws/jobs/${jobId}`);
    const seen: { status: string; progress: { percent: number } }[] = [];
    ws.on('message', (data) => seen.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    assert.equal(await closed, 1000);
    assert.ok(seen.length >= 1);
    assert.equal(seen.at(-1)?.status, 'completed');
    const rank = { queued: 0, processing: 1, completed: 2, failed: 2 } as Record<string, number>;
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      assert.ok(a && b);
      const forward =
        (rank[b.status] ?? 0) > (rank[a.status] ?? 0) || b.progress.percent > a.progress.percent;
      assert.ok(
        forward,
        `update ${i} moves forward: ${JSON.stringify(seen.map((s) => [s.status, s.progress.percent]))}`,
      );
    }
  });

  test('GraphQL job(id) answers the same fields', async () => {
    const jobId = await uploadFile(f, SAMPLE, { name: 'gql.log' });
    await waitForJob(f, jobId);
    const res = await f.read('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ job(id: "${jobId}") { job_id status file_name progress { percent valid processed } } }`,
      }),
    });
    assert.equal(res.status, 200);
    const rest = (await f.read(`/api/v1/jobs/${jobId}`)).json;
    assert.deepEqual(res.json.data.job, {
      job_id: jobId,
      status: 'completed',
      file_name: 'gql.log',
      progress: { percent: 100, valid: rest.progress.valid, processed: rest.progress.processed },
    });
    const missing = await f.read('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ job(id: "00000000-0000-4000-8000-000000000000") { status } }' }),
    });
    assert.equal(missing.json.data.job, null);
    assert.equal((await f.read('/api/v1/jobs/not-a-uuid')).status, 400);
    assert.equal((await f.read('/api/v1/jobs/00000000-0000-4000-8000-000000000000')).status, 404);
  });

  test('evh upload --follow against the real ingest and reporter exits 0 at completion', async () => {
    const reporter = f.reporter;
    assert.ok(reporter);
    const cli = fileURLToPath(new URL('../../../packages/cli/dist/src/main.js', import.meta.url));
    const run = spawnSync(
      process.execPath,
      [
        cli,
        'upload',
        fileURLToPath(SAMPLE),
        '--ingest',
        f.ingest.url,
        '--reporter',
        reporter.url,
        '--project',
        'cli',
        '--follow',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout + run.stderr, /completed/);
  });

  test('a job whose file is gone from storage fails with the reason', async () => {
    const dir = f.consumerEnv.STORAGE_DIR;
    assert.ok(dir);
    // A job record pointing at nothing, queued as the ingest would.
    const id = randomUUID();
    await f.redis.hset(jobKeys.job(id), {
      id,
      fileName: 'gone.log',
      format: 'payment-log',
      size: 10,
      storageKey: `uploads/${id}/gone.log`,
      status: 'queued',
      createdAt: Date.now(),
    } satisfies LiveJobWrite);
    const producer = await rawProducer(f.kafka);
    await producer.send({
      topic: `${f.topic}.jobs`,
      messages: [{ key: id, value: JSON.stringify({ jobId: id }) }],
    });
    await producer.disconnect();
    const job = await waitForJob(f, id, 'failed');
    // The API's text is unchanged; the code is a field of the job record of its own.
    assert.equal(job.error, `FILE_MISSING: uploads/${id}/gone.log is not in object storage`);
    assert.equal(await f.redis.hget(jobKeys.job(id), 'errorCode'), 'FILE_MISSING');
  });
});

describe('a job worker killed mid-job', () => {
  let f: PipelineFixture;
  before(async () => {
    f = await startPipeline(
      { JOB_SIMULATED_LINE_DELAY_MS: '1', JOB_CHUNK_LINES: '100' },
      { reporter: true, env: { STORAGE_DIR: tempDir('evh-kill-') } },
    );
  });
  after(async () => {
    await f?.close();
  });

  test('resumes from its checkpoint with exact totals', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => {
      const status = ['SUCCESS', 'FAILURE', 'INFO'][i % 3];
      return `2025-07-22T${String(i % 24).padStart(2, '0')}:15:00Z ${status} Svc${i % 11} user${i % 97} payment ${i}`;
    });
    lines[1500] = 'garbage';
    const text = `${lines.join('\n')}\n`;
    const file = join(tempDir('evh-kill-'), 'kill.log');
    writeFileSync(file, text);
    const jobId = await uploadFile(f, file);
    await waitFor('the worker to be mid-file', async () => {
      const job = (await f.read(`/api/v1/jobs/${jobId}`)).json;
      return job.progress.lines_read >= 500 && job.progress.lines_read < 2500;
    });
    const killed = await f.consumer.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    await f.startConsumer();
    const job = await waitForJob(f, jobId, 'completed', 90_000);
    assert.equal(job.progress.lines_read, 3000);
    assert.equal(job.progress.invalid, 1);
    assert.equal(job.progress.valid, 2999);
    assert.equal(job.progress.processed, 2999);
    const summary = (await f.read(`/api/v1/jobs/${jobId}/summary`)).json;
    const plain = plainCounts(text.replace('garbage\n', ''));
    assert.deepEqual(summary.payment_statuses, plain.payment_statuses, 'every line counted once');
    assert.deepEqual(summary.top_users, plain.top_users);
    assert.deepEqual(summary.invalid_reasons, { too_few_fields: 1 });
  });
});

describe('upload jobs on S3 (versitygw)', () => {
  let f: PipelineFixture;
  before(async () => {
    const endpoint = process.env.S3_TEST_ENDPOINT;
    if (!endpoint) throw new Error('S3_TEST_ENDPOINT is not set: run the tests with `make test`');
    const bucket = randomName('jobs').toLowerCase();
    const credentials = {
      accessKeyId: process.env.S3_TEST_ACCESS_KEY ?? '',
      secretAccessKey: process.env.S3_TEST_SECRET_KEY ?? '',
    };
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
    f = await startPipeline(
      {},
      {
        reporter: true,
        env: {
          S3_ENDPOINT: endpoint,
          S3_BUCKET: bucket,
          S3_ACCESS_KEY_ID: credentials.accessKeyId,
          S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
      },
    );
  });
  after(async () => {
    await f?.close();
  });

  test('the sample file goes through S3 and completes with the same counts', async () => {
    const jobId = await uploadFile(f, SAMPLE, { name: 'payments.txt' });
    const job = await waitForJob(f, jobId);
    assert.equal(job.progress.lines_read, plainCounts(sampleText()).lines);
    const summary = (await f.read(`/api/v1/jobs/${jobId}/summary`)).json;
    assert.deepEqual(summary.payment_statuses, plainCounts(sampleText()).payment_statuses);
  });
});
