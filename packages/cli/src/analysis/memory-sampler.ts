export interface MemoryPeak {
  /** The kernel's peak resident set of the process (worker threads included), in bytes. */
  maxRssBytes: number;
  /** The highest RSS seen by sampling, in bytes: a cross-check of the kernel's figure. */
  sampledPeakRssBytes: number;
}

/**
 * Samples the process RSS while work runs. Worker threads live in this process, so both
 * figures include them; `process.resourceUsage().maxRSS` is the authoritative one (it sees
 * peaks between samples), the samples show it is not a start-up artefact.
 */
export function startMemorySampler(intervalMs = 100): { stop(): MemoryPeak } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { maxRssBytes: process.resourceUsage().maxRSS * 1024, sampledPeakRssBytes: peak };
    },
  };
}
