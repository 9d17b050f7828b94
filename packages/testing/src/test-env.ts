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

/** Where the test run's S3 store is (versitygw, tests/infra/s3.sh) and its credentials; fails loudly without it. */
export function s3TestEnv(): { endpoint: string; accessKeyId: string; secretAccessKey: string } {
  const endpoint = process.env.S3_TEST_ENDPOINT;
  if (!endpoint) throw new Error('S3_TEST_ENDPOINT is not set: run the tests with `make test`');
  return {
    endpoint,
    accessKeyId: process.env.S3_TEST_ACCESS_KEY ?? '',
    secretAccessKey: process.env.S3_TEST_SECRET_KEY ?? '',
  };
}
