import { CONSUMER_GROUP, EVENTS_TOPIC } from '@evh/events';
import { envInt, envList, envLogLevel, envPort } from '@evh/lifecycle';
import { z } from 'zod';

export const controllerConfigSchema = z.object({
  PORT: envPort(3003),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: envLogLevel,
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  EVENTS_TOPIC: z.string().min(1).default(EVENTS_TOPIC),
  CONSUMER_GROUP: z.string().min(1).default(CONSUMER_GROUP),
  /** How often the consumer group's lag is read (the autoscaler's pollInterval). */
  LAG_POLL_INTERVAL_MS: envInt(15_000, 100),
  SHUTDOWN_TIMEOUT_MS: envInt(9000, 100),
});

export type ControllerConfig = z.output<typeof controllerConfigSchema>;
