import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, tempDir, waitFor } from '@evh/testing';

const run = promisify(execFile);
const infra = resolve(dirname(fileURLToPath(import.meta.url)), '../../infra');

/** A server of the chaos stack that a scenario may kill and start again on the same data. */
export interface InfraServer {
  readonly name: 'kafka' | 'redis';
  readonly port: number;
  /** The pid its script started, while that process lives. */
  pid(): number | undefined;
  /** Sends `signal` and waits until the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts it (again) with the same folder and port, and waits until it serves. */
  start(env?: Record<string, string>): Promise<void>;
}

export interface ChaosStack {
  kafka: InfraServer;
  redis: InfraServer;
  kafkaBrokers: string;
  redisUrl: string;
  close(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function server(name: 'kafka' | 'redis', dir: string, port: number): InfraServer {
  const script = join(infra, `${name}.sh`);
  const pid = () => {
    try {
      const p = Number(readFileSync(join(dir, `${name}.pid`), 'utf8').trim());
      return p > 0 && alive(p) ? p : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    name,
    port,
    pid,
    async kill(signal) {
      const p = pid();
      if (p === undefined) return;
      process.kill(p, signal);
      await waitFor(`${name} (pid ${p}) to exit`, () => !alive(p), { timeoutMs: 60_000 });
    },
    async start(env = {}) {
      await run('bash', [script, 'start', dir, String(port)], {
        timeout: 180_000,
        env: { ...process.env, ...env },
      });
    },
  };
}

async function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  probe.on('error', () => {});
  probe.listen(port, '127.0.0.1');
  const free = await Promise.race([
    once(probe, 'listening').then(() => true),
    once(probe, 'error').then(() => false),
  ]);
  if (free) await new Promise((done) => probe.close(done));
  return free;
}

/** A port whose successor is free too (the broker's controller listens on port + 1). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_000 && (await isFree(port + 1))) return port;
  }
}

/**
 * Kafka and Redis of the chaos suite's own, in a temp folder: the scenarios kill and restart
 * them, which the test run's shared servers must never see. Each is started by the same
 * script as `make up` and `make test` use, so the servers under test have the same settings.
 */
export async function startChaosStack(): Promise<ChaosStack> {
  const dir = tempDir('evh-chaos-');
  const kafka = server('kafka', dir, await freePortPair());
  const redis = server('redis', dir, await freePort());
  await Promise.all([redis.start(), kafka.start()]);
  return {
    kafka,
    redis,
    kafkaBrokers: `127.0.0.1:${kafka.port}`,
    redisUrl: `redis://127.0.0.1:${redis.port}`,
    async close() {
      await Promise.all([
        run('bash', [join(infra, 'kafka.sh'), 'stop', dir]).catch(() => {}),
        run('bash', [join(infra, 'redis.sh'), 'stop', dir]).catch(() => {}),
      ]);
    },
  };
}
