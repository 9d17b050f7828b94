import { type OwnServer, ownKafka, ownRedis } from '@evh/testing';

export interface ChaosStack {
  /** Servers a scenario may kill and start again on the same data. */
  kafka: OwnServer;
  redis: OwnServer;
  kafkaBrokers: string;
  redisUrl: string;
  close(): Promise<void>;
}

/**
 * Kafka and Redis of the chaos suite's own, in temp folders: the scenarios kill and restart
 * them, which the test run's shared servers must never see. Each is started by the same
 * script as `make up` and `make test` use, so the servers under test have the same settings.
 */
export async function startChaosStack(): Promise<ChaosStack> {
  const kafka = await ownKafka();
  const redis = await ownRedis();
  await Promise.all([redis.start(), kafka.start()]);
  return {
    kafka,
    redis,
    kafkaBrokers: kafka.url,
    redisUrl: redis.url,
    async close() {
      await Promise.all([kafka.stop().catch(() => {}), redis.stop().catch(() => {})]);
    },
  };
}
