import { Redis, type RedisOptions } from 'ioredis';

export interface RedisClientOptions {
  url: string;
  /** Prefixed to every key, also those passed to Lua scripts as KEYS (ioredis does this). */
  keyPrefix?: string;
  name: string;
  extra?: Partial<RedisOptions>;
  /** Connection errors (ioredis reconnects by itself); without a listener ioredis prints them raw. */
  onError?: (err: Error) => void;
}

/**
 * One client per service. Auto-pipelining sends the commands of concurrent handlers in one
 * write, which is most of the platform's Redis throughput.
 */
export function createRedis({ url, keyPrefix, name, extra, onError }: RedisClientOptions): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    keyPrefix: keyPrefix ?? '',
    enableAutoPipelining: true,
    // Commands issued while reconnecting wait in the offline queue, but each fails after
    // three reconnection attempts, so a Redis outage surfaces as errors, not as a hang.
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    lazyConnect: true,
    ...extra,
  });
  redis.on('error', onError ?? (() => {}));
  return redis;
}
