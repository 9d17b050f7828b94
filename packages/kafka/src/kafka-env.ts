import { envList } from '@evh/lifecycle';

/** The Kafka part of a service's env schema. */
export const kafkaEnvShape = {
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
};
