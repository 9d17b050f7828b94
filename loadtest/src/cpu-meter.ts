import { cpuSeconds } from './process-stats.js';

/**
 * CPU seconds each process used during a phase, read from /proc every half second (k6 exits
 * at the end of its flood, so its last reading is kept).
 */
export interface CpuMeter {
  /** `startedNow`: a process the phase started, counted from zero rather than its first reading. */
  watch(name: string, pid: number, startedNow?: boolean): void;
  /** CPU seconds per process since the meter started, and the phase's wall time. */
  stop(): { wallS: number; cpuS: Record<string, number> };
}

export function cpuMeter(pids: Record<string, number>): CpuMeter {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const watched = new Map<string, number>();
  const started = performance.now();
  const read = () => {
    for (const [name, pid] of watched) {
      try {
        const s = cpuSeconds(pid);
        if (!first.has(name)) first.set(name, s);
        last.set(name, s);
      } catch {
        // Exited: its last reading stands.
      }
    }
  };
  const meter: CpuMeter = {
    watch(name, pid, startedNow = false) {
      watched.set(name, pid);
      if (startedNow) first.set(name, 0);
      read();
    },
    stop() {
      clearInterval(timer);
      read();
      const cpuS: Record<string, number> = {};
      for (const [name, v] of last) cpuS[name] = v - (first.get(name) ?? v);
      return { wallS: (performance.now() - started) / 1000, cpuS };
    },
  };
  for (const [name, pid] of Object.entries(pids)) meter.watch(name, pid);
  // A sampler never keeps a benchmark alive, even one whose meter was not stopped.
  const timer = setInterval(read, 500).unref();
  return meter;
}
