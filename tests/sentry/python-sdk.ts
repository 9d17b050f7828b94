import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The SDK version the tests run against; a newer one is a deliberate change. */
export const PYTHON_SENTRY_SDK = '2.75.0';

/** Where the harness keeps the virtual environment: the cache, outside git, kept between runs. */
export function pythonSdkDir(): string {
  const cache = process.env.EVH_CACHE ?? join(homedir(), '.cache', 'event-horizon');
  return join(cache, `sentry-python-${PYTHON_SENTRY_SDK}`);
}

async function withLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another run is installing; a lock older than 10 minutes is a run that died.
      if (Date.now() - started > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The python of a virtual environment with Python's sentry-sdk installed from PyPI, made on
 * first use (about 10 s) and reused after; `ready` marks a finished install.
 */
export async function ensurePythonSdk(): Promise<string> {
  const dir = pythonSdkDir();
  const python = join(dir, 'bin', 'python');
  const ready = join(dir, '.ready');
  if (existsSync(ready)) return python;
  return withLock(dir, async () => {
    if (existsSync(ready)) return python;
    rmSync(dir, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', dir]);
    await run(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `sentry-sdk==${PYTHON_SENTRY_SDK}`],
      {
        timeout: 300_000,
      },
    );
    mkdirSync(ready);
    return python;
  });
}
