import type { Shutdown } from '@evh/lifecycle';
import type { Redis } from 'ioredis';
import { createRedis } from './create-redis.js';

/**
 * Opens a service's Redis connection and registers its close, for main.ts. Connection errors
 * go to the logger (ioredis reconnects by itself). Once connected, a command fails at once
 * with REDIS_UNAVAILABLE while the connection is down (see createRedis).
 */
export async function connectRedis(options: {
  url: string;
  keyPrefix?: string;
  name: string;
  /** See REDIS_COMMAND_TIMEOUT_MS; the default when absent. */
  commandTimeoutMs?: number;
  logger: { warn(obj: object, msg: string): void };
  shutdown: Shutdown;
}): Promise<Redis> {
  const redis = createRedis({
    url: options.url,
    keyPrefix: options.keyPrefix ?? '',
    name: options.name,
    commandTimeoutMs: options.commandTimeoutMs,
    onError: (err) => options.logger.warn({ err }, `redis connection error (${options.name})`),
  });
  await redis.connect();
  options.shutdown.register(options.name, async () => {
    await redis.quit();
  });
  return redis;
}
