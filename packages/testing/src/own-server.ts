import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, freePortPair } from './free-port.js';
import { repoRoot } from './repo-root.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

const execFileAsync = promisify(execFile);

/**
 * A Redis server or Kafka broker of the test's own, for tests that kill, freeze or restart it:
 * the run's shared servers serve every other test and must stay up. It is started by the
 * script `make up` and `make test` use (tests/infra/<name>.sh), so it runs with the same
 * settings (Redis: AOF, appendfsync everysec), in a temp RUN folder, on a free port.
 */
export interface OwnServer {
  readonly name: 'kafka' | 'redis' | 'postgres';
  /** The RUN folder: RUN/<name>.pid, RUN/<name>.log, the data. */
  readonly run: string;
  readonly port: number;
  /** `redis://127.0.0.1:PORT`, `postgres://evh@127.0.0.1:PORT/postgres` or, for Kafka, the broker `127.0.0.1:PORT`. */
  readonly url: string;
  /** The pid its script started, while that process lives. */
  pid(): number | undefined;
  /**
   * Starts it (again after kill or stop: same RUN and port, so the data is kept) and waits
   * until it serves. `env` (e.g. `{ REDIS_APPENDONLY: 'no' }`) is added to the one it was made with.
   */
  start(env?: Record<string, string>): Promise<void>;
  /** Sends `signal` (SIGKILL: a crash) and waits until the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: it keeps its sockets open and answers nothing, like a hung host. */
  freeze(): void;
  /** SIGCONT after freeze. */
  thaw(): void;
  /** `<name>.sh stop RUN` (thawed first); idempotent. */
  stop(): Promise<void>;
}

export interface OwnServerOptions {
  /** Env for its script at every start, e.g. `{ REDIS_APPENDONLY: 'no' }` or `{ REDIS_APPENDFSYNC: 'always' }`. */
  env?: Record<string, string>;
}

/** Alive and not a zombie: where nothing reaps the servers (no init as PID 1), kill -0 still succeeds. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const startedPids = new Set<number>();
let hooked = false;

/**
 * A test process that ends without stopping its servers (a failed before()) leaves none
 * behind. By pid, not from the pid file: tempDir may have removed RUN by then.
 */
function killOnExit(pid: number): void {
  startedPids.add(pid);
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const p of startedPids) {
      if (!alive(p)) continue;
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  });
}

async function script(name: string, args: string[], env: Record<string, string>): Promise<void> {
  try {
    await execFileAsync('bash', [join(repoRoot, 'tests/infra', `${name}.sh`), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      timeout: 180_000,
    });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`${name}.sh ${args.join(' ')} failed: ${(err as Error).message}\n${stderr ?? ''}`);
  }
}

function ownServer(name: OwnServer['name'], port: number, url: string, options: OwnServerOptions): OwnServer {
  const run = tempDir(`evh-own-${name}-`);
  const pid = () => {
    try {
      const p = Number(readFileSync(join(run, `${name}.pid`), 'utf8').trim());
      return p > 0 && alive(p) ? p : undefined;
    } catch {
      return undefined;
    }
  };
  const signal = (sig: NodeJS.Signals) => {
    const p = pid();
    if (p !== undefined) process.kill(p, sig);
  };
  const server: OwnServer = {
    name,
    run,
    port,
    url,
    pid,
    async start(env = {}) {
      await script(name, ['start', run, String(port)], { ...options.env, ...env });
      const p = pid();
      if (p !== undefined) killOnExit(p);
    },
    async kill(sig = 'SIGKILL') {
      const p = pid();
      if (p === undefined) return;
      // A crash of PostgreSQL takes its backends too (postgres.sh kill), or the next start
      // finds their shared memory still in use.
      if (name === 'postgres' && sig === 'SIGKILL') return script(name, ['kill', run], options.env ?? {});
      process.kill(p, sig);
      await waitFor(`${name} (pid ${p}) to exit after ${sig}`, () => !alive(p), { timeoutMs: 60_000 });
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    async stop() {
      signal('SIGCONT');
      await script(name, ['stop', run], options.env ?? {});
    },
  };
  return server;
}

/** A Redis server of the test's own (not started yet: call start()). */
export async function ownRedis(options: OwnServerOptions = {}): Promise<OwnServer> {
  const port = await freePort();
  return ownServer('redis', port, `redis://127.0.0.1:${port}`, options);
}

/** A Kafka broker of the test's own (not started yet: call start()); its controller uses port + 1. */
export async function ownKafka(options: OwnServerOptions = {}): Promise<OwnServer> {
  const port = await freePortPair();
  return ownServer('kafka', port, `127.0.0.1:${port}`, options);
}

/** A PostgreSQL server of the test's own (not started yet: call start()); a fresh cluster. */
export async function ownPostgres(options: OwnServerOptions = {}): Promise<OwnServer> {
  const port = await freePort();
  return ownServer('postgres', port, `postgres://evh@127.0.0.1:${port}/postgres`, options);
}
