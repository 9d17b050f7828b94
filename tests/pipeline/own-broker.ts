import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@evh/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A Kafka broker of the test's own (tests/infra/kafka.sh), for tests that stop, freeze or kill
 * the broker: the run's shared broker serves every other test and must stay up.
 */
export interface OwnBroker {
  port: number;
  brokers: string[];
  /** Starts (or restarts after kill) the broker; resolves once an admin client is answered. */
  start(): Promise<void>;
  /** SIGSTOP: the broker keeps its sockets open and answers nothing, like a hung host. */
  freeze(): void;
  /** SIGCONT after freeze. */
  thaw(): void;
  /** SIGKILL: connections are refused until start(). */
  kill(): void;
  /** Stops the broker whatever its state; idempotent. */
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

/** Two consecutive free ports in 48000–48999 (the broker's and its KRaft controller's). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 48000 + 2 * Math.floor(Math.random() * 499);
    if ((await isFree(port)) && (await isFree(port + 1))) return port;
  }
}

async function kafkaScript(args: string[]): Promise<void> {
  const child = spawn('bash', [join(root, 'tests/infra/kafka.sh'), ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`kafka.sh ${args.join(' ')} exited with ${code}:\n${err}`);
}

export async function createOwnBroker(): Promise<OwnBroker> {
  const run = tempDir('evh-own-kafka-');
  const port = await freePortPair();
  const pid = () => Number(readFileSync(join(run, 'kafka.pid'), 'utf8').trim());
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid(), sig);
    } catch {
      // Already gone.
    }
  };
  return {
    port,
    brokers: [`127.0.0.1:${port}`],
    start: () => kafkaScript(['start', run, String(port)]),
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill: () => signal('SIGKILL'),
    async stop() {
      signal('SIGCONT');
      await kafkaScript(['stop', run]);
    },
  };
}
