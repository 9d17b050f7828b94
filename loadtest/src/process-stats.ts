import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Seconds the process's threads have spent runnable but waiting for a core (the second field
 * of each thread's schedstat): what sharing the cores costs a process, which its CPU time does
 * not show. Threads that already exited are not counted. Undefined on a kernel without
 * schedstats.
 */
export function runQueueWaitSeconds(pid: number): number | undefined {
  let ns = 0;
  let read = false;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ');
      ns += Number(fields[1]);
      read = true;
    } catch {
      // Exited meanwhile, or no schedstat.
    }
  }
  return read ? ns / 1e9 : undefined;
}

/**
 * Seconds during which at least one runnable task on the machine waited for a core
 * (`some` of /proc/pressure/cpu); undefined without PSI.
 */
export function cpuPressureSeconds(): number | undefined {
  try {
    const total = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
    return total === undefined ? undefined : Number(total) / 1e6;
  } catch {
    return undefined;
  }
}

/** Peak resident set size in MB (VmHWM), from /proc. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * CPU seconds of a process and its children: the live ones' own, plus what the children it
 * already reaped used (cutime, cstime). PostgreSQL's backends are children of its postmaster.
 */
export function treeCpuSeconds(pid: number): number {
  const fieldsOf = (p: number | string) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  const own = fieldsOf(pid);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = fieldsOf(entry);
      if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // Exited meanwhile.
    }
  }
  return ticks / CLOCK_TICKS;
}
