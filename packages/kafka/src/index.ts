export type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
export { Partitioners } from 'kafkajs';
export * from './batching-producer.js';
export * from './consumer-lag.js';
export * from './create-kafka.js';
export * from './ensure-topics.js';
export * from './errors.js';
export * from './kafka-env.js';
export * from './partition-of.js';
