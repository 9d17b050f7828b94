export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Runs the figure is made of. */
  n: number;
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * Median with the range beside it: with three runs on a shared 2-core machine the range
 * says more about the noise than a standard deviation would.
 */
export function spread(values: number[]): Spread {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    n: values.length,
  };
}

/**
 * ours/baseline per round, each round's two runs having shared the machine's state of the
 * moment; the median of these is steadier than a ratio of two medians taken apart.
 */
export function roundRatios(ours: number[], baseline: number[]): number[] {
  if (ours.length !== baseline.length) {
    throw new Error(`ratio of ${ours.length} runs against ${baseline.length}: the rounds must pair up`);
  }
  return ours.map((o, i) => o / (baseline[i] ?? Number.NaN));
}

/** "1.23 (1.10–1.40)" for a spread, with the digits a figure deserves. */
export function formatSpread(s: Spread, digits: number, format?: (v: number) => string): string {
  const f = format ?? ((v: number) => v.toFixed(digits));
  return s.n > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}
