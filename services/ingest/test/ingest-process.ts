import { randomName, type ServiceProcess, startService, tempDir, testEnv } from '@evh/testing';

export type IngestProcess = ServiceProcess;

/**
 * The compiled ingest as its own process, configured by env as in production (so the
 * settings under test go through config.ts and main.ts), on a free port, with topics, key
 * prefix and storage folder of its own. Resolves once /readyz answers 200.
 */
export function startIngest(env: Record<string, string>): Promise<IngestProcess> {
  const shared = testEnv();
  return startService(
    'ingest',
    {
      KAFKA_BROKERS: shared.kafkaBrokers.join(','),
      REDIS_URL: shared.redisUrl,
      REDIS_KEY_PREFIX: `${randomName('ingest')}:`,
      EVENTS_TOPIC: randomName('events'),
      DLQ_TOPIC: randomName('dlq'),
      JOBS_TOPIC: randomName('jobs'),
      STORAGE_DIR: tempDir('evh-ingest-'),
      // Not about auth (a test that is says AUTH=on).
      AUTH: 'off',
      ...env,
    },
    { readyTimeoutMs: 60_000 },
  );
}
