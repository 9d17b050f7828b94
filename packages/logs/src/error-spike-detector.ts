import type { LogsConfig } from './logs-config.js';

export interface ErrorSpike {
  /** Errors among the last `window` events. */
  errors: number;
  window: number;
  share: number;
  /** The error share of the events before the window. */
  baseline: number;
  threshold: number;
}

export interface ErrorSpikeDetector {
  /** Feeds the next event; returns a spike when one starts at this event. */
  push(isError: boolean): ErrorSpike | undefined;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A sliding window of the last `windowSize` events, compared with the error share of every
 * event that has left it (the running baseline). The window counts events, not seconds,
 * because payment lines are not in time order. One anomaly per episode: once it has fired,
 * it fires again only after the window has fallen back under the threshold. Its output
 * depends only on the sequence pushed, so it is deterministic for a given input order.
 */
export function createErrorSpikeDetector(config: LogsConfig['errorSpike']): ErrorSpikeDetector {
  const { windowSize, minErrors, factor, minIncrease, minHistory } = config;
  const ring = new Uint8Array(windowSize);
  let filled = 0;
  let pos = 0;
  let windowErrors = 0;
  let historyTotal = 0;
  let historyErrors = 0;
  let active = false;
  return {
    push(isError) {
      if (filled === windowSize) {
        const leaving = ring[pos] as number;
        historyTotal++;
        historyErrors += leaving;
        windowErrors -= leaving;
      } else {
        filled++;
      }
      ring[pos] = isError ? 1 : 0;
      windowErrors += ring[pos] as number;
      pos = (pos + 1) % windowSize;
      if (filled < windowSize || historyTotal < minHistory) return undefined;
      const baseline = historyTotal === 0 ? 0 : historyErrors / historyTotal;
      const threshold = Math.max(baseline * factor, baseline + minIncrease);
      const share = windowErrors / windowSize;
      const firing = windowErrors >= minErrors && share >= threshold;
      if (!firing) {
        active = false;
        return undefined;
      }
      if (active) return undefined;
      active = true;
      return {
        errors: windowErrors,
        window: windowSize,
        share: round(share),
        baseline: round(baseline),
        threshold: round(threshold),
      };
    },
  };
}
