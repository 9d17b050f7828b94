import { kafkaErrors } from './errors.js';
import type { KafkaProducer } from './kafka-client.js';
import type { OutgoingMessage, TopicMessages } from './messages.js';

export interface BatchingProducerOptions {
  /** How long the first write of a batch waits for company. kafkajs has no linger of its own. */
  lingerMs: number;
  /** A batch is sent at once when it holds this many messages. */
  maxBatchMessages: number;
  /**
   * A batch is sent at once when its values reach this many bytes, which bounds a
   * partition's record batch below the topic's max.message.bytes. Default 4 MB.
   */
  maxBatchBytes?: number;
  /** A write not acknowledged within this fails with KAFKA_UNAVAILABLE. */
  sendTimeoutMs: number;
  /**
   * When no batch is in flight, a write goes at the end of the event loop's turn (with the
   * other writes of that turn) instead of after the linger. While a batch is in flight, the
   * writes behind it go when it is acknowledged, or at the linger if that comes first: the
   * wait gathers company only while the broker is busy.
   */
  sendWhenIdle?: boolean;
}

interface Pending {
  topic: string;
  messages: OutgoingMessage[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface BatchingProducer {
  /** Resolves once every broker replica in sync has the messages (acks=all). */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Sends what is queued, then refuses new writes. */
  close(): Promise<void>;
  readonly inFlight: number;
}

/**
 * Gathers the writes of concurrent requests for a few milliseconds into one sendBatch, so
 * that throughput does not cost one broker round trip per event.
 */
export function createBatchingProducer(
  producer: KafkaProducer,
  options: BatchingProducerOptions,
): BatchingProducer {
  let queue: Pending[] = [];
  let queued = 0;
  let queuedBytes = 0;
  const maxBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let closed = false;
  const sending = new Set<Promise<void>>();

  function flush(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queued = 0;
    queuedBytes = 0;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list) list.push(...p.messages);
      else byTopic.set(p.topic, [...p.messages]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({
      topic,
      messages,
    }));
    const done = sendWithTimeout(topicMessages).then(
      () => {
        for (const p of batch) p.resolve();
      },
      (err: unknown) => {
        const wrapped = kafkaErrors.KAFKA_UNAVAILABLE(
          `kafka did not acknowledge the write: ${(err as Error).message}`,
          { cause: err },
        );
        for (const p of batch) p.reject(wrapped);
      },
    );
    sending.add(done);
    void done.finally(() => {
      sending.delete(done);
      // Group commit: what gathered while the broker worked goes once it is free, not at the
      // end of a linger that was only there to wait for it.
      if (options.sendWhenIdle && sending.size === 0 && queue.length > 0 && !immediate)
        immediate = setImmediate(flush);
    });
  }

  async function sendWithTimeout(topicMessages: TopicMessages[]): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(
        () => reject(new Error(`no acknowledgement within ${options.sendTimeoutMs} ms`)),
        options.sendTimeoutMs,
      );
    });
    try {
      await Promise.race([producer.sendBatch(topicMessages), timeout]);
    } finally {
      clearTimeout(t);
    }
  }

  return {
    get inFlight() {
      return queued + sending.size;
    },
    send(topic, messages) {
      if (closed) return Promise.reject(kafkaErrors.KAFKA_CLOSING('the producer is closing'));
      if (messages.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ topic, messages, resolve, reject });
        queued += messages.length;
        for (const m of messages)
          queuedBytes += typeof m.value === 'string' ? m.value.length : (m.value?.length ?? 0);
        if (queued >= options.maxBatchMessages || queuedBytes >= maxBytes) flush();
        else if (immediate) return;
        else if (options.sendWhenIdle && sending.size === 0 && !timer) immediate = setImmediate(flush);
        else timer ??= setTimeout(flush, options.lingerMs);
      });
    },
    async close() {
      closed = true;
      flush();
      await Promise.allSettled([...sending]);
    },
  };
}
