import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createRedis } from '@evh/redis';
import { tempDir, waitFor } from '@evh/testing';

/**
 * A Redis server of the test's own, with AOF persistence as production runs it, for tests
 * that SIGKILL it: the run's shared Redis serves every other test and must stay up.
 */
export interface OwnRedis {
  port: number;
  url: string;
  /** Starts (or restarts after kill, on the same data folder and port); resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: what it acknowledged is in its AOF (written before each reply), not fsynced. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch {
    return false;
  }
  server.close();
  await once(server, 'close');
  return true;
}

export async function ownRedis(fsync: 'everysec' | 'always' = 'everysec'): Promise<OwnRedis> {
  let port = 0;
  do port = 38000 + Math.floor(Math.random() * 1000);
  while (!(await isFree(port)));
  const dir = tempDir('evh-own-redis-');
  let child: ChildProcess | undefined;
  let log = '';

  async function ping(): Promise<boolean> {
    const client = createRedis({
      url: `redis://127.0.0.1:${port}`,
      name: 'own-redis-ping',
      extra: { maxRetriesPerRequest: 0, retryStrategy: () => null },
    });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      // The flags tests/infra/redis.sh and the chart use: AOF, fsync once a second, no RDB.
      child = spawn(
        'redis-server',
        [
          ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', ''],
          ...['--appendonly', 'yes', '--appendfsync', fsync],
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      const started = child;
      await waitFor(`redis on ${port} (log: ${log.slice(-500)})`, async () => {
        if (started.exitCode !== null) throw new Error(`redis-server exited: ${log.slice(-2000)}`);
        return ping();
      });
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGTERM');
      await exited;
    },
  };
  return own;
}
