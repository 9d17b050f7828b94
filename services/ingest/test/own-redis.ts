import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { waitFor } from '@evh/testing';
import { freeTestPort } from './raw-http.js';

/**
 * A Redis server of the test's own (no persistence), for tests that kill it: the run's
 * shared Redis serves every other test and must stay up.
 */
export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** SIGKILL: connections are refused from now on, until start(). */
  kill(): Promise<void>;
}

/** Whether something answers PING on the port, over a plain socket (no client library). */
async function answersPing(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  try {
    await once(socket, 'connect');
    socket.write('PING\r\n');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    return reply.toString().startsWith('+PONG');
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await freeTestPort();
  let child: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      await waitFor(`redis-server on ${port}`, async () => {
        if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}`);
        return answersPing(port);
      });
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    },
  };
}
