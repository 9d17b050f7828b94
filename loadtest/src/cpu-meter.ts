import { cpuPressureSeconds, cpuSeconds, runQueueWaitSeconds } from './process-stats.js';

/**
 * CPU seconds each process used during a phase, and the seconds its threads waited for a
 * core, read from /proc every half second (k6 exits at the end of its flood, so its last
 * reading is kept); and the machine's CPU pressure over the phase.
 */
export interface CpuMeter {
  /** `startedNow`: a process the phase started, counted from zero rather than its first reading. */
  watch(name: string, pid: number, startedNow?: boolean): void;
  /** Since the meter started: per process, CPU seconds and run-queue wait; the phase's wall time. */
  stop(): CpuUsage;
}

export interface CpuUsage {
  wallS: number;
  cpuS: Record<string, number>;
  /** Seconds runnable but not running, all threads (absent where the kernel has no schedstat). */
  waitS: Record<string, number>;
  /** Seconds in which some task on the machine waited for a core (absent without PSI). */
  pressureS?: number;
}

interface Reading {
  cpu: number;
  wait: number | undefined;
}

export function cpuMeter(pids: Record<string, number>): CpuMeter {
  const first = new Map<string, Reading>();
  const last = new Map<string, Reading>();
  const watched = new Map<string, number>();
  const started = performance.now();
  const pressureAtStart = cpuPressureSeconds();
  const read = () => {
    for (const [name, pid] of watched) {
      try {
        const s = { cpu: cpuSeconds(pid), wait: runQueueWaitSeconds(pid) };
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
      if (startedNow) first.set(name, { cpu: 0, wait: 0 });
      read();
    },
    stop() {
      clearInterval(timer);
      read();
      const cpuS: Record<string, number> = {};
      const waitS: Record<string, number> = {};
      for (const [name, v] of last) {
        const f = first.get(name) ?? v;
        cpuS[name] = v.cpu - f.cpu;
        if (v.wait !== undefined && f.wait !== undefined) waitS[name] = v.wait - f.wait;
      }
      const pressure = cpuPressureSeconds();
      const usage: CpuUsage = { wallS: (performance.now() - started) / 1000, cpuS, waitS };
      if (pressure !== undefined && pressureAtStart !== undefined)
        usage.pressureS = pressure - pressureAtStart;
      return usage;
    },
  };
  for (const [name, pid] of Object.entries(pids)) meter.watch(name, pid);
  // A sampler never keeps a benchmark alive, even one whose meter was not stopped.
  const timer = setInterval(read, 500).unref();
  return meter;
}
