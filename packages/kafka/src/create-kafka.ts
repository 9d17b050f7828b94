import { Kafka, type KafkaConfig, logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import { installPendingCheck } from './request-queue-timer.js';

export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Overrides for tests and tuning; the defaults suit a broker on the same network. */
  config?: Partial<KafkaConfig>;
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** kafkajs logs through our pino logger, so its lines carry the service name. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      logger[levelNames[level] ?? 'info']({ kafka: extra }, message);
    };
}

/**
 * The only place that constructs the client: kafkajs is barely maintained, so everything
 * else talks to the small surface of this package and the client could be swapped.
 */
export function createKafka({ clientId, brokers, logger, config }: KafkaOptions): Kafka {
  // No 1 ms timer per idle connection (kafkajs 2.2.4's loop; request-queue-timer.ts).
  installPendingCheck();
  return new Kafka({
    clientId,
    brokers,
    logLevel: KafkaLogLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
    ...config,
  });
}
