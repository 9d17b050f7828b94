// Issue 17: EVH_INFRA picks the test run's Kafka, Redis and S3 store (tests/infra/containers.sh
// mode): auto keeps the local processes where no engine answers, containers refuses there,
// naming why; the containers get the local servers' own settings from kafka.sh and redis.sh.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@evh/testing';
import { runScript } from './infra-script.js';

// A socket path where nothing listens: no engine, whatever this machine has.
const noEngine = { DOCKER_HOST: 'unix:///nonexistent/evh-test/docker.sock', EVH_INFRA: 'auto' };

test('EVH_INFRA=local is local without asking any engine', () => {
  const r = runScript('tests/infra/containers.sh', ['mode'], { ...noEngine, EVH_INFRA: 'local' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'local');
});

test('EVH_INFRA=auto without an engine keeps the local processes and says why', () => {
  const r = runScript('tests/infra/containers.sh', ['mode'], noEngine);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'local');
  assert.match(r.stderr, /local processes \(EVH_INFRA=auto\): no container engine answers/);
});

test('EVH_INFRA=containers without an engine fails, naming the obstacle', () => {
  const r = runScript('tests/infra/containers.sh', ['mode'], { ...noEngine, EVH_INFRA: 'containers' });
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout.trim(), '');
  assert.match(r.stderr, /EVH_INFRA=containers cannot be had: no container engine answers/);
});

test('a wrong EVH_INFRA stops it with the variable named', () => {
  const r = runScript('tests/infra/containers.sh', ['mode'], { ...noEngine, EVH_INFRA: 'docker' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /EVH_INFRA: /);
});

test('kafka.sh config: the local broker settings, listening where asked, advertising 127.0.0.1', () => {
  const dir = join(tempDir('evh-kafka-config-'), 'kafka');
  const r = runScript('tests/infra/kafka.sh', ['config', dir, '29092', '/var/lib/kafka/data', '0.0.0.0']);
  assert.equal(r.status, 0, r.stderr);
  const props = readFileSync(join(dir, 'server.properties'), 'utf8');
  assert.match(props, /^listeners=PLAINTEXT:\/\/0\.0\.0\.0:29092,CONTROLLER:\/\/127\.0\.0\.1:29093$/m);
  assert.match(props, /^advertised\.listeners=PLAINTEXT:\/\/127\.0\.0\.1:29092$/m);
  assert.match(props, /^log\.dirs=\/var\/lib\/kafka\/data$/m);
  assert.match(props, /^auto\.create\.topics\.enable=false$/m);
  assert.match(readFileSync(join(dir, 'log4j.properties'), 'utf8'), /^log4j\.rootLogger=INFO, stdout$/m);
});

test('redis.sh args: the AOF settings of the local server; protected mode off only off loopback', () => {
  const inContainer = runScript('tests/infra/redis.sh', ['args', '26379', '/data', '0.0.0.0']);
  assert.equal(inContainer.status, 0, inContainer.stderr);
  const args = inContainer.stdout.replace(/\n$/, '').split('\n');
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(value('--appendonly'), 'yes');
  assert.equal(value('--appendfsync'), 'everysec');
  assert.equal(value('--save'), '', 'no RDB snapshots: an empty argument, kept');
  assert.equal(value('--protected-mode'), 'no');
  const local = runScript('tests/infra/redis.sh', ['args', '26379', '/d', '127.0.0.1']).stdout.split('\n');
  assert.equal(local[local.indexOf('--protected-mode') + 1], 'yes');
});
