/**
 * Where the real Kafka and Redis of a test run are. `make test` starts both and sets these;
 * a test run without them fails loudly instead of skipping.
 */
export function testEnv(): { kafkaBrokers: string[]; redisUrl: string } {
  const kafka = process.env.KAFKA_BROKERS;
  const redis = process.env.REDIS_URL;
  if (!kafka || !redis) {
    throw new Error('KAFKA_BROKERS and REDIS_URL must be set: run the tests with `make test`');
  }
  return { kafkaBrokers: kafka.split(','), redisUrl: redis };
}
