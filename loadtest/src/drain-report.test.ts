import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainFigures, drainReport, drainVerdicts } from './drain-report.js';
import type { DrainKind, DrainRunResult } from './drain-run.js';

function run(
  kind: DrainKind,
  round: number,
  drainS: number,
  extra: Partial<DrainRunResult> = {},
): DrainRunResult {
  return {
    kind,
    round,
    events: 100_000,
    partitions: 12,
    joinS: 1,
    drainS,
    totalS: drainS + 1,
    rate: 100_000 / drainS,
    rssMb: 100,
    cpuS: 2,
    redisCpuS: 1,
    ...extra,
  };
}

const exact = { seen: 100_000, missing: 0, duplicated: 0, outOfOrder: 0 };

test('targets are judged on the medians: one fast round does not meet them', () => {
  // Ours 2 s, 2 s and 1 s (median 50,000/s); the baseline 5 s every round (20,000/s).
  const results = [1, 2, 3].flatMap((round) => [
    run('ours', round, round === 3 ? 1 : 2, { order: exact }),
    run('baseline', round, 5, { order: exact }),
  ]);
  const f = drainFigures(results);
  assert.equal(f.byKind.ours?.rate.median, 50_000);
  assert.equal(f.ratio.median, 2.5);
  assert.equal(f.ratio.max, 5);
  assert.deepEqual(
    drainVerdicts(f).map((v) => v.met),
    [true, false],
  );
});

test('both targets met', () => {
  const f = drainFigures([run('ours', 1, 2), run('baseline', 1, 7)]);
  assert.deepEqual(
    drainVerdicts(f).map((v) => v.met),
    [true, true],
  );
});

test('a run with a wrong order list is counted and shown', () => {
  const results = [
    run('ours', 1, 2, { order: { ...exact, missing: 3 } }),
    run('baseline', 1, 6, { order: exact }),
    run('raw', 1, 0.5),
  ];
  const f = drainFigures(results);
  assert.equal(f.byKind.ours?.orderFailures, 1);
  assert.equal(f.byKind.baseline?.orderFailures, 0);
  const md = drainReport({
    date: 'd',
    machine: 'm',
    events: 100_000,
    users: 5000,
    partitions: 12,
    results,
    load: 1,
  });
  assert.match(md, /\*\*wrong in 1 of 1\*\*/);
  assert.match(md, /\| ≥ 3× the baseline \| 3\.00× \| met \|/);
  assert.match(md, /\| ≥ 40,000 events\/s \| 50,000 events\/s \| met \|/);
});
