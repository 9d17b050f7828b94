// Traces in a real Jaeger: an event, a batch, a crash and an upload each make one trace that
// crosses the Kafka hop, from the ingest's HTTP span to the consumer's Redis finalize.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { randomName, tempDir } from '@evh/testing';
import { type PipelineFixture, startPipeline } from '../pipeline/pipeline-fixture.js';
import { type Jaeger, type JaegerSpan, newTraceparent, startJaeger, waitForTrace } from './jaeger.js';

let jaeger: Jaeger;
let f: PipelineFixture;
before(async () => {
  jaeger = await startJaeger();
  // Spans are exported every 100 ms instead of every 5 s, so the test waits less.
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
  f = await startPipeline(env, { env });
});
after(async () => {
  await f?.close();
  await jaeger?.stop();
});

async function post(path: string, traceparent: string, body: unknown) {
  const res = await fetch(`${f.ingest.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 202, await res.text());
}

const named = (spans: JaegerSpan[], service: string, name: string) =>
  spans.filter((s) => s.service === service && s.operationName === name);
const childrenOf = (spans: JaegerSpan[], parent: JaegerSpan | undefined, name: string) =>
  parent ? spans.filter((s) => s.parent === parent.spanID && s.operationName === name) : [];

/** The spans of one hop: a producer span under `parent`, its process spans, their finalize. */
function hop(
  spans: JaegerSpan[],
  parent: JaegerSpan | undefined,
  topic: string,
  process: string,
  finalize: string,
) {
  const sends = childrenOf(spans, parent, `send ${topic}`);
  const processes = sends.flatMap((s) => childrenOf(spans, s, process));
  const finalizes = processes.flatMap((p) => childrenOf(spans, p, finalize));
  return { sends, processes, finalizes };
}

function assertProducer(send: JaegerSpan | undefined, topic: string) {
  assert.ok(send, `a send ${topic} span`);
  assert.equal(send.tags['span.kind'], 'producer');
  assert.equal(send.tags['messaging.system'], 'kafka');
  assert.equal(send.tags['messaging.destination.name'], topic);
  assert.match(String(send.tags['messaging.destination.partition.id']), /^\d+$/);
}

function assertConsumer(process: JaegerSpan | undefined, topic: string, finalize: JaegerSpan | undefined) {
  assert.ok(process, 'a process span');
  assert.equal(process.service, 'consumer');
  assert.equal(process.tags['span.kind'], 'consumer');
  assert.equal(process.tags['messaging.system'], 'kafka');
  assert.equal(process.tags['messaging.operation.type'], 'process');
  assert.equal(process.tags['messaging.destination.name'], topic);
  assert.ok(finalize, 'a finalize span under the process span');
  assert.equal(finalize.tags['db.system.name'], 'redis');
  assert.equal(finalize.tags['span.kind'], 'client');
}

describe('traces in Jaeger across the Kafka hop', () => {
  test('an event: HTTP span, Kafka produce span, process span, Redis finalize', async () => {
    const { traceId, traceparent } = newTraceparent();
    await post('/events', traceparent, { userId: randomName('u'), type: 'click', payload: { seq: 1 } });
    const spans = await waitForTrace(jaeger, traceId, 'POST /events through finalize', (spans) => {
      const http = named(spans, 'ingest', 'POST /events')[0];
      return hop(spans, http, f.topic, 'process events', 'finalize events').finalizes.length === 1;
    });
    const http = named(spans, 'ingest', 'POST /events')[0];
    assert.equal(http?.tags['span.kind'], 'server');
    assert.equal(http?.tags['http.response.status_code'], 202);
    const { sends, processes, finalizes } = hop(spans, http, f.topic, 'process events', 'finalize events');
    assert.equal(sends.length, 1);
    assertProducer(sends[0], f.topic);
    assert.equal(sends[0]?.service, 'ingest');
    assertConsumer(processes[0], f.topic, finalizes[0]);
    // The same partition on both sides of the hop.
    assert.equal(
      processes[0]?.tags['messaging.destination.partition.id'],
      sends[0]?.tags['messaging.destination.partition.id'],
    );
  });

  test('a batch: one producer span per partition, every event processed in the same trace', async () => {
    const { traceId, traceparent } = newTraceparent();
    const users = Array.from({ length: 6 }, () => randomName('u'));
    await post('/events/batch', traceparent, {
      events: users.map((userId) => ({ userId, type: 'view', payload: { seq: 1 } })),
    });
    const counted = (spans: JaegerSpan[]) => {
      const http = named(spans, 'ingest', 'POST /events/batch')[0];
      const { processes, finalizes } = hop(spans, http, f.topic, 'process events', 'finalize events');
      const events = processes.reduce((n, p) => n + Number(p.tags['messaging.batch.message_count']), 0);
      return { events, processes: processes.length, finalizes: finalizes.length };
    };
    const spans = await waitForTrace(jaeger, traceId, '6 events processed', (spans) => {
      const c = counted(spans);
      return c.events === 6 && c.finalizes === c.processes;
    });
    const http = named(spans, 'ingest', 'POST /events/batch')[0];
    const { sends } = hop(spans, http, f.topic, 'process events', 'finalize events');
    const partitions = sends.map((s) => s.tags['messaging.destination.partition.id']);
    assert.equal(new Set(partitions).size, sends.length, 'one producer span per partition');
    for (const send of sends) assertProducer(send, f.topic);
    assert.equal(
      sends.reduce((n, s) => n + Number(s.tags['messaging.batch.message_count']), 0),
      6,
    );
  });

  test('two requests of one user read in one fetch: one process span, parent in one trace, a link to the other', async () => {
    // Stopped, so both events wait in Kafka and the restarted consumer reads them as one run.
    await f.consumer.stop();
    const userId = randomName('u');
    const first = newTraceparent();
    const second = newTraceparent();
    await post('/events', first.traceparent, { userId, type: 'a', payload: { seq: 1 } });
    await post('/events', second.traceparent, { userId, type: 'b', payload: { seq: 2 } });
    await f.startConsumer();
    const other = await waitForTrace(
      jaeger,
      second.traceId,
      'the second request sent',
      (spans) => named(spans, 'ingest', `send ${f.topic}`).length === 1,
    );
    const otherSend = named(other, 'ingest', `send ${f.topic}`)[0] as JaegerSpan;
    const spans = await waitForTrace(jaeger, first.traceId, 'one process span for both', (spans) => {
      const http = named(spans, 'ingest', 'POST /events')[0];
      return hop(spans, http, f.topic, 'process events', 'finalize events').finalizes.length === 1;
    });
    const http = named(spans, 'ingest', 'POST /events')[0];
    const { processes } = hop(spans, http, f.topic, 'process events', 'finalize events');
    assert.equal(processes[0]?.tags['messaging.batch.message_count'], 2, 'both events in one run');
    assert.deepEqual(processes[0]?.links, [otherSend.spanID], "linked to the second request's producer span");
  });

  test('a crash: process event with its finalize', async () => {
    const { traceId, traceparent } = newTraceparent();
    await post('/v1/crashes', traceparent, {
      projectId: randomName('p'),
      severity: 'error',
      message: 'traced crash',
      stacktrace: [{ file: 'Main.java', method: 'main', line: 5 }],
    });
    const spans = await waitForTrace(jaeger, traceId, 'POST /v1/crashes through finalize', (spans) => {
      const http = named(spans, 'ingest', 'POST /v1/crashes')[0];
      return hop(spans, http, f.topic, 'process event', 'finalize event').finalizes.length === 1;
    });
    const http = named(spans, 'ingest', 'POST /v1/crashes')[0];
    const { sends, processes, finalizes } = hop(spans, http, f.topic, 'process event', 'finalize event');
    assertProducer(sends[0], f.topic);
    assertConsumer(processes[0], f.topic, finalizes[0]);
  });

  test('an upload: the job message, the job, its chunks and their finalize, one trace', async () => {
    const { traceId, traceparent } = newTraceparent();
    const file = join(tempDir('evh-trace-upload-'), 'payments.log');
    writeFileSync(
      file,
      [
        '2025-07-22T22:33:41Z SUCCESS PaymentGateway user251 Payment processed successfully.',
        '2025-07-21T10:09:39Z ERROR FraudDetection user090 Transaction declined.',
        '',
      ].join('\n'),
    );
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)]), 'payments.log');
    const res = await fetch(`${f.ingest.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: { traceparent },
      body: form,
    });
    assert.equal(res.status, 202, await res.text());
    const jobsTopic = `${f.topic}.jobs`;
    const chain = (spans: JaegerSpan[]) => {
      const http = named(spans, 'ingest', 'POST /api/v1/files/upload')[0];
      const job = hop(spans, http, jobsTopic, 'process job', 'unused');
      const chunks = job.processes.map((p) => hop(spans, p, f.topic, 'process event', 'finalize event'));
      return { job, chunks };
    };
    const spans = await waitForTrace(jaeger, traceId, 'the upload through the chunk finalize', (spans) => {
      const { chunks } = chain(spans);
      return chunks.length === 1 && (chunks[0]?.finalizes.length ?? 0) >= 1;
    });
    const { job, chunks } = chain(spans);
    assertProducer(job.sends[0], jobsTopic);
    assert.equal(job.processes[0]?.tags['span.kind'], 'consumer');
    assert.equal(job.processes[0]?.tags['messaging.destination.name'], jobsTopic);
    const chunk = chunks[0];
    assert.ok(chunk);
    assert.equal(chunk.sends[0]?.service, 'consumer', 'the job worker sends the chunks');
    assertProducer(chunk.sends[0], f.topic);
    assertConsumer(chunk.processes[0], f.topic, chunk.finalizes[0]);
  });
});
