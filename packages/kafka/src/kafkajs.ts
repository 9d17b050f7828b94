// `@evh/kafka/kafkajs`: the library itself, for the few places that must see it: fixtures of
// integration tests that set a broker up or read it back, and the benchmark that measures
// kafkajs alone. A service's source never imports this (test/boundary.test.ts).
export type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
export { Partitioners } from 'kafkajs';
export * from './consumer-lag.js';
export * from './create-kafka.js';
export * from './ensure-topics.js';
export { adminFrom } from './kafkajs-admin.js';
export { consumerFrom } from './kafkajs-consumer.js';
export { producerFrom } from './kafkajs-producer.js';
export * from './run-consumer.js';
