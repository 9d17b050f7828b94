import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, randomName, tempDir, testEnv, waitFor } from '@evh/testing';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));

export interface IngestProcess {
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** Whether the process is still running (a crash ends it). */
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * The compiled ingest as its own process, configured by env as in production (so the
 * settings under test go through config.ts and main.ts), on a free port, with
 * topics, key prefix and storage folder of its own. Resolves once /readyz answers 200.
 */
export async function startIngest(env: Record<string, string>): Promise<IngestProcess> {
  const port = await freePort();
  const shared = testEnv();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: shared.kafkaBrokers.join(','),
      REDIS_URL: shared.redisUrl,
      REDIS_KEY_PREFIX: `${randomName('ingest')}:`,
      EVENTS_TOPIC: randomName('events'),
      DLQ_TOPIC: randomName('dlq'),
      JOBS_TOPIC: randomName('jobs'),
      STORAGE_DIR: tempDir('evh-ingest-'),
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const ingest: IngestProcess = {
    port,
    url,
    child,
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (!ingest.alive()) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitFor(
      'the ingest /readyz',
      async () => {
        if (!ingest.alive()) throw new Error(`the ingest exited: ${out}`);
        const res = await fetch(`${url}/readyz`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- ingest output ---\n${out}`);
  }
  return ingest;
}
