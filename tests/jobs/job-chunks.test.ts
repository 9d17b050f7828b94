import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOG_CHUNK_KIND, type LogChunk, logChunkId } from '@evh/events';
import { jobKeys, type LiveJobWrite, pipelineKeys } from '@evh/redis';
import { randomName, tempDir, waitFor } from '@evh/testing';
import { type PipelineFixture, rawProducer, startPipeline } from '../pipeline/pipeline-fixture.js';
import { plainCounts, uploadFile } from './job-fixture.js';

async function waitForJob(f: PipelineFixture, jobId: string) {
  return waitFor(
    `job ${jobId} completed`,
    async () => {
      const job = (await f.read(`/api/v1/jobs/${jobId}`)).json;
      if (job.status === 'failed') throw new Error(`job failed: ${job.error}`);
      return job.status === 'completed' ? job : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100 },
  );
}

async function keysUnder(f: PipelineFixture): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await f.redis.scan(cursor, 'MATCH', `${f.prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys.map((k) => k.slice(f.prefix.length)));
  } while (cursor !== '0');
  return found.sort();
}

describe('upload jobs in chunks', () => {
  let f: PipelineFixture;
  before(async () => {
    // The default chunk bounds (5,000 lines, 1 MiB).
    f = await startPipeline({}, { reporter: true, env: { STORAGE_DIR: tempDir('evh-chunks-') } });
  });
  after(async () => {
    await f?.close();
  });

  test("a job's Redis keys are its analytics and a few per chunk, none per line", async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => {
      const status = ['SUCCESS', 'FAILURE', 'INFO', 'WARN'][i % 4];
      return `2025-07-22T${String(i % 24).padStart(2, '0')}:15:00Z ${status} Svc${i % 17} user${i % 1013} paid ${i}`;
    });
    lines[777] = 'garbage';
    const text = `${lines.join('\n')}\n`;
    const file = join(tempDir('evh-chunks-'), 'big.log');
    writeFileSync(file, text);
    const projectId = randomName('keys');
    const jobId = await uploadFile(f, file, { projectId });
    const job = await waitForJob(f, jobId);
    assert.equal(job.progress.lines_read, 50_000);
    assert.equal(job.progress.valid, 49_999);
    assert.equal(job.progress.processed, 49_999);

    const summary = (await f.read(`/api/v1/jobs/${jobId}/summary`)).json;
    const plain = plainCounts(text.replace('garbage\n', ''));
    assert.deepEqual(summary.payment_statuses, plain.payment_statuses);
    assert.deepEqual(summary.top_services, plain.top_services);
    assert.deepEqual(summary.top_users, plain.top_users);
    assert.deepEqual(summary.peak_hours, plain.peak_hours);

    const keys = await keysUnder(f);
    // 10 chunks: a marker each, and the pipeline's event: and dedup: of each chunk's event.
    const markers = keys.filter((k) => k.startsWith(`job:{${jobId}}:chunk:`));
    assert.equal(markers.length, 10, markers.join(' '));
    assert.equal(keys.filter((k) => k.includes(':applied:')).length, 0, 'no key per line');
    assert.ok(keys.length < 100, `${keys.length} keys for 50,000 lines: ${keys.join(' ')}`);
  });

  test('a chunk event delivered again after its apply, before its finalize, counts once', async () => {
    const jobId = randomUUID();
    const projectId = randomName('dup');
    await f.redis.hset(jobKeys.job(jobId), {
      id: jobId,
      fileName: 'dup.log',
      format: 'payment-log',
      storageKey: `uploads/${jobId}/dup.log`,
      createdAt: Date.now(),
      status: 'processing',
      size: 100,
      bytesRead: 100,
      valid: 3,
      readDone: 1,
    } satisfies LiveJobWrite);
    const chunk: LogChunk = {
      jobId,
      projectId,
      firstLine: 1,
      lastLine: 3,
      lines: 3,
      startOffset: 0,
      endOffset: 100,
      statuses: [
        ['SUCCESS', 2],
        ['FAILURE', 1],
      ],
      services: [['Svc1', 3]],
      users: [['u1', 3]],
      hours: [[9, 3]],
    };
    const id = logChunkId(jobId, 1);
    const message = {
      key: jobId,
      value: JSON.stringify({
        id,
        userId: '',
        type: LOG_CHUNK_KIND,
        kind: LOG_CHUNK_KIND,
        payload: { projectId },
        timestamp: Date.now(),
        chunk,
      }),
    };
    const producer = await rawProducer(f.kafka);
    const deliver = async () => {
      const before = await f.processedCount();
      await producer.send({ topic: f.topic, messages: [message] });
      await waitFor('the chunk event finalized', async () => (await f.processedCount()) > before, {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
    };
    try {
      await deliver();
      // What a consumer that died between apply and finalize leaves: the chunk's effects
      // and its marker, but no final state. The pipeline runs the event again.
      await f.redis.del(pipelineKeys.dedup(id), pipelineKeys.event(id));
      await deliver();
      assert.equal((await f.redis.hgetall(pipelineKeys.event(id))).status, 'processed');
    } finally {
      await producer.disconnect();
    }

    const job = (await f.read(`/api/v1/jobs/${jobId}`)).json;
    assert.equal(job.status, 'completed');
    assert.equal(job.progress.processed, 3);
    const summary = (await f.read(`/api/v1/jobs/${jobId}/summary`)).json;
    assert.deepEqual(summary.payment_statuses, { FAILURE: 1, SUCCESS: 2 });
    const project = (await f.read(`/v1/projects/${projectId}/summary`)).json;
    assert.deepEqual(project.payment_statuses, { FAILURE: 1, SUCCESS: 2 });
  });
});
