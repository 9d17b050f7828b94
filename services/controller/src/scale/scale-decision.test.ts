import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideScale, type Recommendation, type ScalePolicy } from './scale-decision.js';

const policy: ScalePolicy = {
  lagPerReplica: 100,
  minReplicas: 1,
  maxReplicas: 10,
  stabilizationMs: 300_000,
  maxScaleDownStep: 2,
};

describe('decideScale: one decision', () => {
  const cases: {
    what: string;
    current: number;
    lag: number;
    partitions?: number;
    history?: Recommendation[];
    policy?: Partial<ScalePolicy>;
    replicas: number;
    reason: string;
  }[] = [
    { what: 'no lag, at the minimum', current: 1, lag: 0, replicas: 1, reason: 'Hold' },
    { what: 'lag needs 4: up at once', current: 1, lag: 350, replicas: 4, reason: 'ScaleUp' },
    { what: 'exactly 3 replicas’ worth', current: 1, lag: 300, replicas: 3, reason: 'ScaleUp' },
    { what: 'capped by maxReplicas', current: 2, lag: 5000, partitions: 64, replicas: 10, reason: 'ScaleUp' },
    {
      what: 'capped by the partitions',
      current: 2,
      lag: 5000,
      partitions: 6,
      replicas: 6,
      reason: 'ScaleUp',
    },
    {
      what: 'minReplicas above the partitions wins',
      current: 1,
      lag: 0,
      partitions: 2,
      policy: { minReplicas: 3 },
      replicas: 3,
      reason: 'ScaleUp',
    },
    {
      what: 'scale to zero when allowed',
      current: 1,
      lag: 0,
      policy: { minReplicas: 0 },
      history: [],
      replicas: 0,
      reason: 'ScaleDown',
    },
    {
      what: 'lag drained, but a high recommendation is still in the window',
      current: 5,
      lag: 0,
      history: [{ at: -200_000, replicas: 5 }],
      replicas: 5,
      reason: 'Stabilizing',
    },
    {
      what: 'lag drained and the window passed: down by at most the step',
      current: 5,
      lag: 0,
      history: [{ at: -300_000, replicas: 5 }],
      replicas: 3,
      reason: 'ScaleDown',
    },
    {
      what: 'down to the highest recommendation of the window, not below',
      current: 5,
      lag: 0,
      history: [{ at: -100_000, replicas: 4 }],
      replicas: 4,
      reason: 'ScaleDown',
    },
    {
      what: 'maxReplicas lowered below the current count: down without waiting, in steps',
      current: 10,
      lag: 5000,
      history: [{ at: -1000, replicas: 10 }],
      policy: { maxReplicas: 4 },
      replicas: 8,
      reason: 'ScaleDown',
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const d = decideScale({
        now: 0,
        current: c.current,
        totalLag: c.lag,
        partitions: c.partitions ?? 12,
        history: c.history ?? [],
        policy: { ...policy, ...c.policy },
      });
      assert.equal(d.replicas, c.replicas);
      assert.equal(d.reason, c.reason);
    });
  }
});

/** Runs decisions every `every` ms over a lag series, applying each, and returns the replica series. */
function simulate(lags: number[], every: number, p: ScalePolicy, start = 1): number[] {
  let current = start;
  let history: Recommendation[] = [{ at: 0, replicas: start }];
  const out: number[] = [];
  lags.forEach((totalLag, i) => {
    const d = decideScale({ now: (i + 1) * every, current, totalLag, partitions: 12, history, policy: p });
    current = d.replicas;
    history = d.history;
    out.push(current);
  });
  return out;
}

const changes = (series: number[]) => series.filter((r, i) => i > 0 && r !== series[i - 1]).length;

describe('decideScale: sequences (15 s polls)', () => {
  it('does not flap while the lag oscillates around a threshold', () => {
    const cases: { what: string; lags: number[]; maxChanges: number; settlesAt: number }[] = [
      {
        what: '190/210 around 2→3',
        lags: Array.from({ length: 60 }, (_, i) => (i % 2 ? 190 : 210)),
        maxChanges: 1,
        settlesAt: 3,
      },
      {
        what: '90/110 around 1→2, slower wave',
        lags: Array.from({ length: 80 }, (_, i) => (i % 6 < 3 ? 90 : 110)),
        maxChanges: 1,
        settlesAt: 2,
      },
      {
        what: 'noise 280..320 around 3→4',
        lags: Array.from({ length: 60 }, (_, i) => 300 + ((i * 37) % 41) - 20),
        maxChanges: 1,
        settlesAt: 4,
      },
    ];
    for (const c of cases) {
      const series = simulate(c.lags, 15_000, policy);
      assert.ok(
        changes(series) <= c.maxChanges,
        `${c.what}: ${changes(series)} changes: ${series.join(',')}`,
      );
      assert.equal(series.at(-1), c.settlesAt, c.what);
    }
  });

  it('scales up at once, and down only after the window, in bounded steps', () => {
    // 10 polls of a backlog that needs 8, then 40 polls of none (window 300 s = 20 polls).
    const lags = [...Array(10).fill(800), ...Array(40).fill(0)];
    const series = simulate(lags, 15_000, policy);
    assert.equal(series[0], 8, 'up on the first reading');
    const lastHigh = 9;
    const firstDown = series.findIndex((r) => r < 8);
    // The window counts from the last reading that needed 8: 20 polls of 15 s later.
    assert.equal(
      firstDown,
      lastHigh + 20,
      `first step down 300 s after the last high reading: ${series.join(',')}`,
    );
    assert.deepEqual(series.slice(firstDown, firstDown + 5), [6, 4, 2, 1, 1]);
  });

  it('a short window brings the count down soon after the lag drains', () => {
    const series = simulate([350, 350, 0, 0, 0, 0, 0, 0], 1000, { ...policy, stabilizationMs: 3000 });
    // Last reading that needed 4 at t=2 s; the first step down at t=5 s.
    assert.deepEqual(series, [4, 4, 4, 4, 2, 1, 1, 1]);
  });
});
