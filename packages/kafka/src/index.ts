// The Kafka boundary: our own interfaces and what is built on them. No kafkajs type crosses
// it (test/boundary.test.ts checks every import); the library is named only in this package.
export * from './batching-producer.js';
export * from './broker-probe.js';
export * from './broker-probe-env.js';
export type { GroupLag, PartitionLag } from './consumer-lag.js';
export * from './create-kafka-client.js';
export { MAX_MESSAGE_BYTES, type TopicSpec } from './ensure-topics.js';
export * from './errors.js';
export type * from './group-consumer.js';
export type * from './kafka-client.js';
export * from './kafka-env.js';
export type * from './messages.js';
export * from './partition-of.js';
