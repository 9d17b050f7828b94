import { Wait } from 'testcontainers';
import { LoopbackContainer } from './loopback-container.js';

export interface RedisContainerOptions {
  image: string;
  port: number;
  /** tests/infra/redis.sh args: the local server's persistence settings (AOF, everysec). */
  serverArgs: string[];
  labels: Record<string, string>;
  startupTimeoutMs: number;
}

/** A Redis server from the project's event-horizon-redis image (Debian's redis-server, uid 1000, data in /data). */
export function redisContainer(o: RedisContainerOptions): LoopbackContainer {
  return new LoopbackContainer(o.image)
    .withLoopbackPort(o.port)
    .withCommand(['redis-server', ...o.serverArgs])
    .withLabels(o.labels)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(o.startupTimeoutMs);
}
