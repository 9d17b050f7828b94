import {
  type Attributes,
  type Context,
  context,
  type Link,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { contextFromHeaders, traceHeaders } from './trace-context.js';

/**
 * Span attributes of the OpenTelemetry messaging conventions for Kafka, spelled out here
 * rather than imported from the conventions' incubating entry point, which renames them
 * between releases.
 */
export const messagingAttributes = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  batchCount: 'messaging.batch.message_count',
  consumerGroup: 'messaging.consumer.group.name',
  offset: 'messaging.kafka.offset',
} as const;

/** A message as our producers hand it to kafkajs: only the parts the spans touch. */
export interface TracedMessage {
  key?: string | Buffer | null;
  headers?: Record<string, string | Buffer | (string | Buffer)[] | undefined>;
}

export interface ProduceTrace {
  /** Spans only when tracing is on; without it the headers still carry the active context. */
  tracer?: Tracer;
  topic: string;
  /** The partition a key goes to (the producer's partitioner); without it, no partition attribute. */
  partitionOf?: (key: string) => number;
}

/**
 * Sends messages inside PRODUCER spans (`send <topic>`): one per destination partition, so
 * each span can name its partition, each message's headers carrying its partition's span as
 * the consumer's parent. The messages still go in one `send`, which succeeds or fails as a
 * whole, and every span ends when it settles.
 */
export async function sendTraced<M extends TracedMessage>(
  trace_: ProduceTrace,
  messages: M[],
  send: (messages: M[]) => Promise<void>,
): Promise<void> {
  const { tracer, topic, partitionOf } = trace_;
  if (!tracer) {
    const headers = traceHeaders();
    return send(messages.map((m) => ({ ...m, headers: { ...m.headers, ...headers } })));
  }
  const groups = new Map<number | undefined, M[]>();
  for (const m of messages) {
    const key = m.key == null ? undefined : m.key.toString();
    const partition = key !== undefined && partitionOf ? partitionOf(key) : undefined;
    const list = groups.get(partition);
    if (list) list.push(m);
    else groups.set(partition, [m]);
  }
  const parent = context.active();
  const spans = [];
  const traced: M[] = [];
  for (const [partition, group] of groups) {
    const attributes: Attributes = {
      [messagingAttributes.system]: 'kafka',
      [messagingAttributes.operationType]: 'send',
      [messagingAttributes.operationName]: 'send',
      [messagingAttributes.destination]: topic,
      [messagingAttributes.batchCount]: group.length,
    };
    if (partition !== undefined) attributes[messagingAttributes.partition] = String(partition);
    const span = tracer.startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes }, parent);
    spans.push(span);
    const headers = traceHeaders(trace.setSpan(parent, span));
    for (const m of group) traced.push({ ...m, headers: { ...m.headers, ...headers } });
  }
  try {
    await send(traced);
  } catch (err) {
    for (const span of spans) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    }
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}

/** Where a consumed run of messages came from, for its CONSUMER span. */
export interface ConsumedFrom {
  topic: string;
  partition: number;
  group: string;
  /** The first message's offset. */
  offset: string;
  /** The headers of every message of the run, in order; the first one's trace is the parent. */
  headers: (Record<string, unknown> | undefined)[];
}

/**
 * The context and options of a CONSUMER span (`process <topic>`) for a run of messages: the
 * first message's producer span is its parent, and the others whose trace differs are
 * links, so a run of events from several requests is found from each of their traces.
 */
export function processSpan(from: ConsumedFrom): { parent: Context; options: SpanOptions } {
  const [first, ...rest] = from.headers;
  const parent = contextFromHeaders(first);
  const parentSpan = trace.getSpanContext(parent);
  const links: Link[] = [];
  const seen = new Set<string>(parentSpan ? [parentSpan.spanId] : []);
  for (const headers of rest) {
    const span = trace.getSpanContext(contextFromHeaders(headers));
    if (!span || seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    links.push({ context: span });
  }
  return {
    parent,
    options: {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        [messagingAttributes.system]: 'kafka',
        [messagingAttributes.operationType]: 'process',
        [messagingAttributes.operationName]: 'process',
        [messagingAttributes.destination]: from.topic,
        [messagingAttributes.partition]: String(from.partition),
        [messagingAttributes.consumerGroup]: from.group,
        [messagingAttributes.offset]: from.offset,
        [messagingAttributes.batchCount]: from.headers.length,
      },
    },
  };
}
