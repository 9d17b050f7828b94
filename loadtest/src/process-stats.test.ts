import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuPressureSeconds, runQueueWaitSeconds } from './process-stats.js';

/** A shell spinning on core 0 only, at this niceness. */
function spinner(nice: number): ChildProcess {
  const args = ['-n', String(nice), 'taskset', '-c', '0', 'sh', '-c', 'while :; do :; done'];
  const child = spawn('nice', args, { stdio: 'ignore' });
  child.on('error', () => {});
  return child;
}

const canMeasure = existsSync('/proc/self/schedstat') && existsSync('/usr/bin/taskset');

test('of two spinners on one core, the lower priority one waits for it; a sleeper does not', {
  skip: !canMeasure,
}, async () => {
  const sleeper = spawn('sleep', ['5'], { stdio: 'ignore' });
  // Niceness 0 and 19: the first runs ~98 % of the time, the second is runnable throughout
  // and waits. Run time read as wait would give the opposite.
  const spinners = [spinner(0), spinner(19)];
  try {
    await sleep(100);
    const pids = spinners.map((c) => c.pid as number);
    const before = pids.map((p) => runQueueWaitSeconds(p) ?? Number.NaN);
    const sleeperBefore = runQueueWaitSeconds(sleeper.pid as number) ?? Number.NaN;
    const pressureBefore = cpuPressureSeconds();
    await sleep(600);
    const waited = pids.map((p, i) => (runQueueWaitSeconds(p) ?? Number.NaN) - (before[i] ?? 0));
    const pressure = cpuPressureSeconds();
    const [first = Number.NaN, second = Number.NaN] = waited;
    assert.ok(second >= 0.3, `the niceness-19 spinner waited ${second.toFixed(3)} s of 0.6`);
    assert.ok(first < second, `the niceness-0 spinner waited ${first.toFixed(3)} s, more than the other`);
    const sleeperWaited = (runQueueWaitSeconds(sleeper.pid as number) ?? Number.NaN) - sleeperBefore;
    assert.ok(sleeperWaited < 0.05, `the sleeper waited ${sleeperWaited.toFixed(3)} s`);
    if (pressure !== undefined && pressureBefore !== undefined) {
      assert.ok(
        pressure - pressureBefore >= 0.1,
        `pressure grew ${(pressure - pressureBefore).toFixed(3)} s`,
      );
    }
  } finally {
    for (const c of [...spinners, sleeper]) c.kill('SIGKILL');
  }
});

test('a process that is gone has no reading', { skip: !canMeasure }, async () => {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  await sleep(50);
  assert.throws(() => runQueueWaitSeconds(child.pid as number), /ENOENT/);
});
