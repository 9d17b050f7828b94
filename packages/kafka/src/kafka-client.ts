import type { GroupLag } from './consumer-lag.js';
import type { TopicSpec } from './ensure-topics.js';
import type { ConsumerSettings, GroupConsumer } from './group-consumer.js';
import type { OutgoingMessage, TopicMessages } from './messages.js';

/**
 * A producer: every write waits for all in-sync replicas (acks=all), messages are placed by
 * their key's murmur2 hash (partitionOf), and a write to a topic that does not exist fails
 * instead of creating it (topics are made by ensureTopics, with our settings).
 */
export interface KafkaProducer {
  connect(): Promise<void>;
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Several topics' messages in one request. */
  sendBatch(batches: TopicMessages[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** The cluster questions our services ask. */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** The partition count of each of these topics that exists. */
  partitionCounts(topics: string[]): Promise<Map<string, number>>;
  consumerLag(groupId: string, topic: string): Promise<GroupLag>;
  /** How many brokers the cluster lists now (a metadata request). */
  brokerCount(): Promise<number>;
}

/**
 * The Kafka client as our services see it: three small interfaces, so that the library
 * under them (kafkajs today, docs/adr/0018) can be swapped in this package alone.
 */
export interface KafkaClient {
  producer(): KafkaProducer;
  consumer(settings: ConsumerSettings): GroupConsumer;
  admin(): KafkaAdmin;
}
