// The producer spans of a publish and the consumer span they lead to, with an in-memory
// exporter (the real Jaeger round trip is tests/observability/traces.test.ts).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { EventMessage } from '@evh/events';
import type { BatchingProducer, OutgoingMessage as Message } from '@evh/kafka';
import { partitionOf } from '@evh/kafka';
import { messagingAttributes as m, processSpan } from '@evh/telemetry';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createEventPublisher } from '../src/event-publisher.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
after(() => provider.shutdown());
const tracer = trace.getTracer('produce-spans-test');

/** A producer that records what it was handed, or fails. */
function producer(fail = false) {
  const sent: Message[] = [];
  const p: BatchingProducer = {
    inFlight: 0,
    async send(_topic, messages) {
      if (fail) throw new Error('no broker');
      sent.push(...messages);
    },
    async close() {},
  };
  return { p, sent };
}

const event = (userId: string): EventMessage =>
  ({
    id: `e-${userId}`,
    userId,
    type: 't',
    kind: 'event',
    payload: {},
    timestamp: 1,
  }) as unknown as EventMessage;

test('one producer span per destination partition, each message carrying its partition span', async () => {
  exporter.reset();
  const { p, sent } = producer();
  const publisher = createEventPublisher(p, 'events', { tracer, partitionOf: (k) => partitionOf(k, 4) });
  const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
  const request = tracer.startSpan('POST /events/batch', { kind: SpanKind.SERVER });
  await context.with(trace.setSpan(context.active(), request), () => publisher.publish(users.map(event)));
  request.end();
  const sends = exporter.getFinishedSpans().filter((s) => s.name === 'send events');
  const partitions = new Set(users.map((u) => partitionOf(u, 4)));
  assert.equal(sends.length, partitions.size);
  for (const s of sends) {
    assert.equal(s.kind, SpanKind.PRODUCER);
    assert.equal(s.attributes[m.system], 'kafka');
    assert.equal(s.attributes[m.destination], 'events');
    assert.equal(s.parentSpanContext?.spanId, request.spanContext().spanId);
  }
  assert.equal(
    sends.reduce((n, s) => n + Number(s.attributes[m.batchCount]), 0),
    12,
  );
  for (const message of sent) {
    const partition = String(partitionOf(String(message.key), 4));
    const span = sends.find((s) => s.attributes[m.partition] === partition);
    assert.ok(span, `a span for partition ${partition}`);
    assert.equal(String(message.headers?.traceparent).split('-')[2], span.spanContext().spanId);
  }
});

test('a failed send marks every producer span as an error', async () => {
  exporter.reset();
  const publisher = createEventPublisher(producer(true).p, 'events', {
    tracer,
    partitionOf: (k) => partitionOf(k, 4),
  });
  await assert.rejects(publisher.publish([event('a'), event('b')]));
  const sends = exporter.getFinishedSpans().filter((s) => s.name === 'send events');
  assert.ok(sends.length >= 1);
  for (const s of sends) assert.equal(s.status.code, 2);
});

test('a consumed run: the first message is the parent, the other traces are links, once each', () => {
  const headersOf = () => {
    const span = tracer.startSpan('send events', { kind: SpanKind.PRODUCER });
    span.end();
    const sc = span.spanContext();
    return { traceparent: `00-${sc.traceId}-${sc.spanId}-01`, sc };
  };
  const [a, b, c] = [headersOf(), headersOf(), headersOf()];
  const span = processSpan({
    topic: 'events',
    partition: 3,
    group: 'event-processors',
    offset: '42',
    headers: [
      { traceparent: a.traceparent },
      { traceparent: b.traceparent },
      { traceparent: b.traceparent },
      { traceparent: c.traceparent },
      undefined,
    ],
  });
  assert.equal(trace.getSpanContext(span.parent)?.spanId, a.sc.spanId);
  assert.deepEqual(
    span.options.links?.map((l) => l.context.spanId),
    [b.sc.spanId, c.sc.spanId],
  );
  assert.equal(span.options.kind, SpanKind.CONSUMER);
  assert.equal(span.options.attributes?.[m.partition], '3');
  assert.equal(span.options.attributes?.[m.batchCount], 5);
});
