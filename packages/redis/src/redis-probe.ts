import { createPeriodicProbe, type PeriodicProbe, type Shutdown } from '@evh/lifecycle';
import type { Redis } from 'ioredis';

/**
 * Whether Redis answers now, for readiness: a PING every interval in the background, bounded
 * by the timeout. A Redis that stops answering (frozen, overloaded) keeps its socket and the
 * client's 'ready' status, so the status alone cannot tell. Started (the first PING done),
 * its stop registered with the shutdown. The interval and bound are the broker probe's.
 */
export async function startRedisProbe(
  redis: Redis,
  env: { KAFKA_PROBE_INTERVAL_MS: number; KAFKA_PROBE_TIMEOUT_MS: number },
  shutdown: Shutdown,
): Promise<PeriodicProbe<string>> {
  const probe = createPeriodicProbe(() => redis.ping(), {
    intervalMs: env.KAFKA_PROBE_INTERVAL_MS,
    timeoutMs: env.KAFKA_PROBE_TIMEOUT_MS,
  });
  await probe.start();
  shutdown.register('redis-probe', () => probe.stop());
  return probe;
}
