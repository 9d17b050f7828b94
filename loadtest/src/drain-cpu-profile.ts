/** The parts of a V8 `.cpuprofile` (node --cpu-prof) this summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** µs before each sample; the first is measured from startTime. */
  timeDeltas: number[];
}

export interface SelfTime {
  /** The function, or V8's pseudo-nodes: (program), (idle), (garbage collector). */
  name: string;
  /** file:line, relative to the root given; empty for V8's pseudo-nodes and native code. */
  location: string;
  selfMs: number;
  /** Of the whole profile, idle included. */
  share: number;
}

export interface ProfileSummary {
  /** Whether only the window asked for was summarised, or (none of it sampled) the whole profile. */
  span: 'window' | 'whole';
  totalMs: number;
  /** Of the profile the process was waiting (the event loop had nothing to run). */
  idleShare: number;
  gcShare: number;
  top: SelfTime[];
}

function where(url: string, line: number, root: string): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const short = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
  // A dependency is named by its package; the path inside it says little.
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(short);
  return `${pkg ? `${pkg[1]}/${pkg[2]}` : short}:${line + 1}`;
}

/**
 * Self time per function: a sample's duration (until the next sample, or the profile's
 * end for the last) goes to the function on top of the stack then. Functions that V8 split
 * into several nodes (one per call path) are added up by name and place. The idle share
 * says whether the process was saturated: a busy event loop leaves almost none.
 */
export interface SummaryOptions {
  top?: number;
  /** Paths under this are shown relative to it. */
  root?: string;
  /**
   * Only samples in [fromUs, toUs] count: the profile's clock is V8's monotonic one, which on
   * Linux is CLOCK_MONOTONIC as process.hrtime() in any other process of the machine.
   */
  window?: { fromUs: number; toUs: number };
}

function selfTimes(profile: CpuProfile, root: string, window?: SummaryOptions['window']) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let at = profile.startTime;
  const times: number[] = [];
  for (const d of profile.timeDeltas) {
    at += d;
    times.push(at);
  }
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] ?? -1);
    if (!node) continue;
    const start = times[i] ?? profile.endTime;
    if (window && (start < window.fromUs || start > window.toUs)) continue;
    const us = Math.max(0, (times[i + 1] ?? profile.endTime) - start);
    const name = node.callFrame.functionName || '(anonymous)';
    const location = where(node.callFrame.url, node.callFrame.lineNumber, root);
    const key = `${name}\u0000${location}`;
    const entry = selfUs.get(key) ?? { name, location, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
    totalUs += us;
  }
  return { selfUs, totalUs };
}

export function summarizeProfile(
  profile: CpuProfile,
  { top = 15, root = '', window }: SummaryOptions = {},
): ProfileSummary {
  let span: ProfileSummary['span'] = window ? 'window' : 'whole';
  let { selfUs, totalUs } = selfTimes(profile, root, window);
  if (totalUs === 0 && window) {
    span = 'whole';
    ({ selfUs, totalUs } = selfTimes(profile, root));
  }
  const shareOf = (name: string) =>
    totalUs === 0
      ? 0
      : [...selfUs.values()].filter((e) => e.name === name).reduce((s, e) => s + e.us, 0) / totalUs;
  const sorted = [...selfUs.values()].sort((a, b) => b.us - a.us);
  return {
    span,
    totalMs: totalUs / 1000,
    idleShare: shareOf('(idle)'),
    gcShare: shareOf('(garbage collector)'),
    top: sorted.slice(0, top).map((e) => ({
      name: e.name,
      location: e.location,
      selfMs: e.us / 1000,
      share: totalUs === 0 ? 0 : e.us / totalUs,
    })),
  };
}

/** The summary as a markdown table, for the report and the terminal alike. */
export function profileTable(summary: ProfileSummary): string {
  const rows = summary.top.map(
    (e) =>
      `| ${e.selfMs.toFixed(0)} | ${(e.share * 100).toFixed(1)} % | \`${e.name}\` | ${e.location ? `\`${e.location}\`` : ''} |`,
  );
  return ['| self ms | share | function | where |', '|---:|---:|---|---|', ...rows].join('\n');
}
