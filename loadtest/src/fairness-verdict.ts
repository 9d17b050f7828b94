import { type Spread, spread } from './drain-stats.js';

/** B's latency percentiles in one run's two phases (ms). */
export interface RunFigures {
  alone: { p50: number; p99: number };
  flood: { p50: number; p99: number };
}

export interface FairnessGoal {
  /** B's p99 during the flood over B's p99 alone, in the median of the runs and in most runs. */
  p99: number;
  /** The share of runs that must meet the p99 goal on their own (4 of 5). */
  p99Runs: number;
  /** B's p50 ratio, in the median of the runs. */
  p50: number;
}

export const FAIRNESS_GOAL: FairnessGoal = { p99: 1.2, p99Runs: 0.8, p50: 1.1 };

export interface Verdict {
  p50: Spread;
  p99: Spread;
  /** Runs whose own p99 ratio met the goal. */
  p99Met: number;
  met: boolean;
}

/**
 * Each run's ratios pair its two phases, which shared the machine's state of the moment
 * (the phases are interleaved); the goal is judged on their median and on how many runs
 * meet it, not on one lucky or unlucky run.
 */
export function fairnessVerdict(runs: RunFigures[], goal: FairnessGoal = FAIRNESS_GOAL): Verdict {
  const p50 = spread(runs.map((r) => r.flood.p50 / r.alone.p50));
  const p99Ratios = runs.map((r) => r.flood.p99 / r.alone.p99);
  const p99 = spread(p99Ratios);
  const p99Met = p99Ratios.filter((r) => r <= goal.p99).length;
  const met =
    runs.length > 0 &&
    p99.median <= goal.p99 &&
    p99Met >= Math.ceil(goal.p99Runs * runs.length) &&
    p50.median <= goal.p50;
  return { p50, p99, p99Met, met };
}
