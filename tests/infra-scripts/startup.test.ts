// Issue 10, item 9: the infra scripts and `make up` call a server ready only when our own
// process is alive and is the one answering on the port; a taken port fails at once, naming
// the port and the process that holds it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, freePortPair, tempDir } from '@evh/testing';
import { deadPid, holdPort, redisCli, runScript, stopChild } from './infra-script.js';

/** "At once": well under a second on an idle machine; bounded loosely for a busy one. */
const AT_ONCE_MS = 5_000;

function assertNamesHolder(stderr: string, port: number, pid: number, command: RegExp): void {
  assert.match(stderr, new RegExp(`port ${port}\\b.*is taken by pid ${pid} \\(`), stderr);
  assert.match(stderr, command, stderr);
  assert.doesNotMatch(stderr, /\bready on\b/, stderr);
}

test('redis.sh start on a taken port fails at once, naming the port and its holder', async () => {
  const port = await freePort();
  const holder = await holdPort(port, 'evh-port-holder-redis');
  after(() => stopChild(holder));
  const run = tempDir('evh-startup-');
  const r = runScript('tests/infra/redis.sh', ['start', run, String(port)]);
  console.log(`redis.sh refused the taken port in ${r.ms.toFixed(0)} ms`);
  assert.notEqual(r.status, 0, r.stderr);
  assertNamesHolder(r.stderr, port, holder.pid ?? -1, /evh-port-holder-redis/);
  assert.ok(r.ms < AT_ONCE_MS, `took ${r.ms} ms`);
  assert.equal(existsSync(join(run, 'redis.pid')), false, 'no server was started');
});

test('kafka.sh start on a taken port fails at once, naming the port and its holder', async () => {
  const port = await freePortPair();
  const holder = await holdPort(port, 'evh-port-holder-kafka');
  after(() => stopChild(holder));
  const run = tempDir('evh-startup-');
  const r = runScript('tests/infra/kafka.sh', ['start', run, String(port)]);
  console.log(`kafka.sh refused the taken port in ${r.ms.toFixed(0)} ms`);
  assert.notEqual(r.status, 0, r.stderr);
  assertNamesHolder(r.stderr, port, holder.pid ?? -1, /evh-port-holder-kafka/);
  assert.ok(r.ms < AT_ONCE_MS, `took ${r.ms} ms`);
  assert.equal(existsSync(join(run, 'kafka.pid')), false, 'no broker was started');
});

test('another Redis on the port is not ours: a stale or foreign pid file is not reported ready', async () => {
  const port = await freePort();
  const otherDir = tempDir('evh-other-redis-');
  const other = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--dir', otherDir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  after(() => stopChild(other));
  for (let i = 0; i < 80 && !(await pong(port)); i++) await sleep(50);
  assert.ok(await pong(port), 'the other Redis answers');

  // The pid file names a process that has exited (our server crashed, another took its port).
  const stale = tempDir('evh-startup-');
  writeFileSync(join(stale, 'redis.pid'), `${await deadPid()}\n`);
  const r = runScript('tests/infra/redis.sh', ['start', stale, String(port)]);
  assert.notEqual(r.status, 0, r.stderr);
  assertNamesHolder(r.stderr, port, other.pid ?? -1, /redis-server/);

  // The pid file names a live process that is not the Redis answering on the port.
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  after(() => stopChild(sleeper));
  const foreign = tempDir('evh-startup-');
  mkdirSync(foreign, { recursive: true });
  writeFileSync(join(foreign, 'redis.pid'), `${sleeper.pid}\n`);
  const f = runScript('tests/infra/redis.sh', ['start', foreign, String(port)]);
  assert.notEqual(f.status, 0, f.stderr);
  assert.doesNotMatch(f.stderr, /already running/, f.stderr);
  assert.match(f.stderr, new RegExp(`held by pid ${other.pid} \\(redis-server`), f.stderr);
  assert.equal(redisCli(port, 'PING'), 'PONG', 'the other Redis is left alone');
});

test('stack.sh up with a taken service port fails before starting anything, naming the holder', async () => {
  const [redis, kafka, ingest, reporter, consumer, controller] = [
    await freePort(),
    await freePortPair(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const holder = await holdPort(consumer, 'evh-port-holder-stack');
  after(() => stopChild(holder));
  const run = tempDir('evh-stack-');
  const r = runScript('scripts/stack.sh', ['up'], {
    STACK_RUN_DIR: run,
    REDIS_PORT: String(redis),
    KAFKA_PORT: String(kafka),
    INGEST_PORT: String(ingest),
    REPORTER_PORT: String(reporter),
    CONSUMER_PORT: String(consumer),
    CONTROLLER_PORT: String(controller),
  });
  assert.notEqual(r.status, 0, r.stderr);
  assertNamesHolder(r.stderr, consumer, holder.pid ?? -1, /evh-port-holder-stack/);
  assert.match(r.stderr, /wanted by consumer/);
  assert.ok(r.ms < AT_ONCE_MS, `took ${r.ms} ms`);
  for (const name of ['redis', 'kafka', 'ingest']) {
    assert.equal(existsSync(join(run, `${name}.pid`)), false, `${name} was not started`);
  }
});

async function pong(port: number): Promise<boolean> {
  const cli = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  cli.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  await once(cli, 'exit');
  return out.trim() === 'PONG';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
