// Issue 10, item 3: the Redis of `make up` and `make test` persists with an AOF
// (appendfsync everysec), and a crash (SIGKILL) followed by a start on the same run folder
// and port gives the data back: what a chaos test does with `redis.sh restart`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, tempDir, waitFor } from '@evh/testing';
import { redisCli, runScript } from './infra-script.js';

const KEYS = 1000;

test('redis.sh runs with AOF, and restart (SIGKILL, start on the same dir and port) keeps the data', async () => {
  const port = await freePort();
  const run = tempDir('evh-redis-aof-');
  after(() => runScript('tests/infra/redis.sh', ['stop', run]));
  const started = runScript('tests/infra/redis.sh', ['start', run, String(port)]);
  assert.equal(started.status, 0, started.stderr);
  assert.equal(redisCli(port, 'CONFIG', 'GET', 'appendonly'), 'appendonly\nyes');
  assert.equal(redisCli(port, 'CONFIG', 'GET', 'appendfsync'), 'appendfsync\neverysec');
  assert.equal(redisCli(port, 'CONFIG', 'GET', 'aof-use-rdb-preamble'), 'aof-use-rdb-preamble\nyes');
  assert.equal(redisCli(port, 'DBSIZE'), '0', 'a fresh run folder starts empty');
  const pid = readFileSync(join(run, 'redis.pid'), 'utf8').trim();

  const aofSize = () =>
    Number(/aof_current_size:(\d+)/.exec(redisCli(port, 'INFO', 'persistence'))?.[1] ?? 0);
  const before = aofSize();
  redisCli(port, 'EVAL', `for i = 1, ${KEYS} do redis.call('SET', 'k:' .. i, i) end`, '0');
  // The AOF holds the writes once its size grew and no fsync waits (everysec may postpone a
  // write while an fsync is slow; a SIGKILL then would lose it).
  await waitFor('the writes in the AOF', () => {
    const info = redisCli(port, 'INFO', 'persistence');
    return aofSize() > before && /aof_pending_bio_fsync:0\b/.test(info);
  });

  const restarted = runScript('tests/infra/redis.sh', ['restart', run, String(port)]);
  assert.equal(restarted.status, 0, restarted.stderr);
  const newPid = readFileSync(join(run, 'redis.pid'), 'utf8').trim();
  assert.notEqual(newPid, pid, 'a new server runs');
  assert.match(redisCli(port, 'INFO', 'server'), new RegExp(`process_id:${newPid}\\b`));
  assert.equal(redisCli(port, 'DBSIZE'), String(KEYS));
  assert.equal(redisCli(port, 'GET', `k:${KEYS}`), String(KEYS));

  // A plain stop (SIGTERM) and start keeps it too, as `make down` / `make up` do.
  assert.equal(runScript('tests/infra/redis.sh', ['stop', run]).status, 0);
  const again = runScript('tests/infra/redis.sh', ['start', run, String(port)]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(redisCli(port, 'DBSIZE'), String(KEYS));
});
