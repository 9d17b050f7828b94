import type { Shutdown } from '@evh/lifecycle';
import type { Redis } from 'ioredis';
import { createRedis } from './create-redis.js';

/**
 * Opens a service's Redis connection and registers its close, for main.ts. Connection errors
 * go to the logger (ioredis reconnects by itself).
 */
export async function connectRedis(options: {
  url: string;
  keyPrefix?: string;
  name: string;
  logger: { warn(obj: object, msg: string): void };
  shutdown: Shutdown;
}): Promise<Redis> {
  const redis = createRedis({
    url: options.url,
    keyPrefix: options.keyPrefix ?? '',
    name: options.name,
    onError: (err) => options.logger.warn({ err }, `redis connection error (${options.name})`),
  });
  await redis.connect();
  options.shutdown.register(options.name, async () => {
    await redis.quit();
  });
  return redis;
}
