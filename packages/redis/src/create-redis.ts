import { defineErrors } from '@evh/lifecycle';
import { type Command, Redis, type RedisOptions } from 'ioredis';

/**
 * Every command that fails because Redis cannot be reached (down, restarting, still loading
 * its data, too slow to answer) fails with this one code, whatever ioredis said: HTTP
 * answers it with a 503 and Retry-After, a consumer retries it.
 */
export const redisErrors = defineErrors({
  REDIS_UNAVAILABLE: { status: 503, retriable: true },
  // A Lua script called without one of its named keys or arguments: a bug, retrying cannot help.
  LUA_CALL_INVALID: { status: 500, retriable: false },
  // A stored record (a job, an issue, …) with a field its schema does not allow: written by a
  // bug or by hand. Reading it again gives the same answer, so it is not retried.
  RECORD_INVALID: { status: 500, retriable: false },
});

/** How long a command may wait for its reply before it fails as REDIS_UNAVAILABLE. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 1500;

/** The commands ioredis itself sends while (re)connecting, before the connection is ready. */
const HANDSHAKE = new Set(['auth', 'hello', 'select', 'client', 'readonly', 'info']);

/** ioredis's own errors that mean "Redis is not there", and the server's "not now" replies. */
function isUnavailable(err: Error | undefined): boolean {
  const message = err?.message ?? '';
  return (
    err?.name === 'MaxRetriesPerRequestError' ||
    message === 'Command timed out' ||
    message === 'Connection is closed.' ||
    message.startsWith("Stream isn't writeable") ||
    /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY) /.test(message)
  );
}

/**
 * A client that fails fast once it has been connected: a command issued while the connection
 * is down fails at once instead of waiting in the offline queue for the reconnect attempts
 * (several seconds of backoff), and every "Redis is unavailable" failure carries one code.
 * Before the first connection the offline queue still holds commands, so a client used with
 * lazyConnect works from its first command.
 */
class FailFastRedis extends Redis {
  private wasReady = false;

  constructor(url: string, options: RedisOptions) {
    super(url, options);
    this.on('ready', () => {
      this.wasReady = true;
    });
  }

  override sendCommand(command: Command, ...rest: unknown[]): unknown {
    const reject = command.reject;
    command.reject = (err: Error) =>
      reject(
        isUnavailable(err)
          ? redisErrors.REDIS_UNAVAILABLE(`redis unavailable: ${err?.message}`, { cause: err })
          : err,
      );
    const down = this.status !== 'ready' && !(this.status === 'connect' && HANDSHAKE.has(command.name));
    if (this.wasReady && down && this.status !== 'end') {
      command.reject(redisErrors.REDIS_UNAVAILABLE(`redis unavailable: the connection is ${this.status}`));
      return command.promise;
    }
    return (super.sendCommand as (c: Command, ...r: unknown[]) => unknown).call(this, command, ...rest);
  }
}

export interface RedisClientOptions {
  url: string;
  /** Prefixed to every key, also those passed to Lua scripts as KEYS (ioredis does this). */
  keyPrefix?: string;
  name: string;
  /** A command without a reply after this long fails as REDIS_UNAVAILABLE. */
  commandTimeoutMs?: number;
  extra?: Partial<RedisOptions>;
  /** Connection errors (ioredis reconnects by itself); without a listener ioredis prints them raw. */
  onError?: (err: Error) => void;
}

/**
 * One client per service. Auto-pipelining sends the commands of concurrent handlers in one
 * write, which is most of the platform's Redis throughput.
 */
export function createRedis({
  url,
  keyPrefix,
  name,
  commandTimeoutMs,
  extra,
  onError,
}: RedisClientOptions): Redis {
  const redis = new FailFastRedis(url, {
    connectionName: name,
    keyPrefix: keyPrefix ?? '',
    enableAutoPipelining: true,
    // Before the first connection commands wait in the offline queue (lazyConnect); after it,
    // FailFastRedis refuses them while disconnected. A command already sent when the
    // connection drops fails after three reconnect attempts or at its timeout, the earlier.
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    // A Redis that accepts the connection but does not answer (stopped, overloaded) must
    // also surface as an error, not as a hang.
    commandTimeout: commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    lazyConnect: true,
    ...extra,
  });
  redis.on('error', onError ?? (() => {}));
  return redis;
}
