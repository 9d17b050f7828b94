import { type KafkaConfig, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka } from './create-kafka.js';
import type { KafkaClient } from './kafka-client.js';
import { adminFrom } from './kafkajs-admin.js';
import { consumerFrom } from './kafkajs-consumer.js';
import { producerFrom } from './kafkajs-producer.js';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** How long a connection attempt may take. Default 3 s; a test of a dead broker wants less. */
  connectionTimeoutMs?: number;
  /** Retries of a failed request before it fails. Default 5; 0 fails at once. */
  retries?: number;
}

/**
 * The Kafka client of a service, on kafkajs. Everything our services ask of Kafka goes
 * through the interfaces this returns; the settings every service used alike (the Java
 * partitioner, no topic made by a write, no read of a topic not there) are fixed here.
 */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const config: Partial<KafkaConfig> = {};
  if (options.connectionTimeoutMs !== undefined) config.connectionTimeout = options.connectionTimeoutMs;
  if (options.retries !== undefined) config.retry = { retries: options.retries };
  const kafka = createKafka({ ...options, config });
  return {
    producer: () =>
      producerFrom(
        kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false }),
      ),
    consumer: (s) =>
      consumerFrom(
        kafka.consumer({
          groupId: s.groupId,
          sessionTimeout: s.sessionTimeoutMs,
          heartbeatInterval: s.heartbeatIntervalMs,
          maxWaitTimeInMs: s.maxWaitTimeMs,
          allowAutoTopicCreation: false,
        }),
      ),
    admin: () => adminFrom(kafka.admin()),
  };
}
