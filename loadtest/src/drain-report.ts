import { type ProfileSummary, profileTable } from './drain-cpu-profile.js';
import { orderIsExact } from './drain-order-check.js';
import type { DrainKind, DrainRunResult } from './drain-run.js';
import { formatSpread, roundRatios, type Spread, spread } from './drain-stats.js';

/** Issue 11's targets for the drain, on this 2-core machine. */
export const DRAIN_TARGETS = { eventsPerSecond: 40_000, ratio: 3 } as const;

export interface KindFigures {
  rate: Spread;
  drainS: Spread;
  joinS: Spread;
  totalS: Spread;
  rssMb: Spread;
  cpuS: Spread;
  redisCpuS: Spread;
  /** CPU seconds per second from start to done: near 1 is a saturated core. */
  cpuPerS: Spread;
  redisCpuPerS: Spread;
  /** Ours: join to every event processed, before the lag reached 0. */
  finalizedS?: Spread;
  /** Runs whose order lists were not exactly 1..n per user. */
  orderFailures: number;
}

export interface DrainFigures {
  byKind: Partial<Record<DrainKind, KindFigures>>;
  /** ours/baseline events/s, paired by round. */
  ratio: Spread;
  rounds: number;
}

export interface Verdict {
  target: string;
  figure: string;
  met: boolean;
}

function figuresOf(runs: DrainRunResult[]): KindFigures {
  const of = (f: (r: DrainRunResult) => number) => spread(runs.map(f));
  const finalized = runs.flatMap((r) => (r.finalizedS === undefined ? [] : [r.finalizedS]));
  return {
    rate: of((r) => r.rate),
    drainS: of((r) => r.drainS),
    joinS: of((r) => r.joinS),
    totalS: of((r) => r.totalS),
    rssMb: of((r) => r.rssMb),
    cpuS: of((r) => r.cpuS),
    redisCpuS: of((r) => r.redisCpuS),
    cpuPerS: of((r) => r.cpuS / r.totalS),
    redisCpuPerS: of((r) => r.redisCpuS / r.totalS),
    ...(finalized.length > 0 ? { finalizedS: spread(finalized) } : {}),
    orderFailures: runs.filter((r) => r.order !== undefined && !orderIsExact(r.order)).length,
  };
}

/** The medians and ranges of the runs, per consumer, and the per-round ratio. */
export function drainFigures(results: DrainRunResult[]): DrainFigures {
  const byKind: Partial<Record<DrainKind, KindFigures>> = {};
  for (const kind of ['ours', 'baseline', 'raw'] as const) {
    const runs = results.filter((r) => r.kind === kind).sort((a, b) => a.round - b.round);
    if (runs.length > 0) byKind[kind] = figuresOf(runs);
  }
  const rate = (kind: DrainKind) =>
    results
      .filter((r) => r.kind === kind)
      .sort((a, b) => a.round - b.round)
      .map((r) => r.rate);
  return {
    byKind,
    ratio: spread(roundRatios(rate('ours'), rate('baseline'))),
    rounds: new Set(results.map((r) => r.round)).size,
  };
}

/** Met or not, from the medians: one lucky round does not meet a target. */
export function drainVerdicts(f: DrainFigures): Verdict[] {
  const ours = f.byKind.ours?.rate.median ?? Number.NaN;
  return [
    {
      target: `≥ ${DRAIN_TARGETS.eventsPerSecond.toLocaleString('en')} events/s`,
      figure: `${Math.round(ours).toLocaleString('en')} events/s`,
      met: ours >= DRAIN_TARGETS.eventsPerSecond,
    },
    {
      target: `≥ ${DRAIN_TARGETS.ratio}× the baseline`,
      figure: `${f.ratio.median.toFixed(2)}×`,
      met: f.ratio.median >= DRAIN_TARGETS.ratio,
    },
  ];
}

const NAMES: Record<DrainKind, string> = {
  ours: 'ours (`services/consumer`)',
  baseline: 'baseline (`loadtest/src/baseline`, straightforward)',
  raw: 'raw kafkajs ceiling (eachBatch + JSON.parse)',
};

const int = (v: number) => Math.round(v).toLocaleString('en');

function kindRow(kind: DrainKind, k: KindFigures, runs: number): string {
  const order =
    kind === 'raw' ? '—' : k.orderFailures === 0 ? 'exact' : `**wrong in ${k.orderFailures} of ${runs}**`;
  return [
    NAMES[kind],
    `**${formatSpread(k.rate, 0, int)}**`,
    formatSpread(k.drainS, 2),
    formatSpread(k.joinS, 2),
    formatSpread(k.totalS, 2),
    formatSpread(k.rssMb, 0),
    `${formatSpread(k.cpuS, 1)}, ${k.cpuPerS.median.toFixed(2)}/s`,
    `${formatSpread(k.redisCpuS, 1)}, ${k.redisCpuPerS.median.toFixed(2)}/s`,
    order,
  ].join(' | ');
}

function roundsTable(results: DrainRunResult[]): string {
  const rounds = [...new Set(results.map((r) => r.round))].sort((a, b) => a - b);
  const cell = (round: number, kind: DrainKind) => {
    const r = results.find((x) => x.round === round && x.kind === kind);
    return r ? `${r.drainS.toFixed(2)} s (${int(r.rate)}/s)` : '—';
  };
  const rows = rounds.map((round) => {
    const ours = results.find((x) => x.round === round && x.kind === 'ours');
    const base = results.find((x) => x.round === round && x.kind === 'baseline');
    const ratio = ours && base ? `${(ours.rate / base.rate).toFixed(2)}×` : '—';
    return `| ${round} | ${cell(round, 'ours')} | ${cell(round, 'baseline')} | ${cell(round, 'raw')} | ${ratio} |`;
  });
  return ['| round | ours | baseline | raw | ours/baseline |', '|---:|---|---|---|---:|', ...rows].join('\n');
}

export interface DrainReportInput {
  date: string;
  machine: string;
  events: number;
  users: number;
  partitions: number;
  results: DrainRunResult[];
  /** The machine's 1-minute load average at the end: others' work on it widens the ranges. */
  load: number;
  /** The last profiled run of ours, when DRAIN_PROFILE=1. */
  profile?: ProfileSummary;
}

/** The "Consumer drain" section of docs/benchmarks.md. */
export function drainReport(input: DrainReportInput): string {
  const f = drainFigures(input.results);
  const perUser = Math.round(input.events / input.users);
  const kinds = (['ours', 'baseline', 'raw'] as const).flatMap((k) => {
    const fig = f.byKind[k];
    return fig ? [`| ${kindRow(k, fig, f.rounds)} |`] : [];
  });
  const verdicts = drainVerdicts(f).map(
    (v) => `| ${v.target} | ${v.figure} | ${v.met ? 'met' : '**not met**'} |`,
  );
  const ours = f.byKind.ours;
  const finalized =
    ours?.finalizedS === undefined
      ? ''
      : `\nOurs had counted every event as processed ${formatSpread(ours.finalizedS, 2)} s after its join (${int(input.events / ours.finalizedS.median)} events/s); the rest, to lag 0, is its commit waiting until the finalized events are on Redis's disk (\`DURABLE_AFTER_MS\`, 2 s by default with \`appendfsync everysec\`, ADR 0007). The baseline commits right after its writes.\n`;
  const profile = input.profile
    ? `\n**CPU profile of ours** (\`DRAIN_PROFILE=1\`: ours ran under \`node --cpu-prof\` in every round, so its figures above include the profiler's cost; the last round, ${input.profile.span === 'window' ? 'from its join until every event was processed' : 'its whole life (no sample fell in the drain window)'}; idle ${(input.profile.idleShare * 100).toFixed(0)} %, GC ${(input.profile.gcShare * 100).toFixed(0)} %), top ${input.profile.top.length} by self time:\n\n${profileTable(input.profile)}\n`
    : '';
  return `
## Consumer drain (issue 11)

${input.date} · ${input.machine} · Kafka (one broker) and Redis (AOF, \`appendfsync everysec\`) on this machine; each consumer is a process of its own. Load average ${input.load.toFixed(1)} at the end.

${input.events.toLocaleString('en')} events over ${input.users.toLocaleString('en')} users (${perUser} each, \`payload.seq\` 1…${perUser} per user) produced straight to Kafka in the ingest's message format, all of them before the consumer starts, on a fresh ${input.partitions}-partition topic with a group, key prefix and DLQ of its own for every run; each consumer drains an identical copy. ${f.rounds} rounds, interleaved (ours, baseline, raw). **Timed from the group's join** (the group Stable, polled every 20 ms from outside) **until lag 0** and, for ours, \`counters:events\` \`processed\` at ${input.events.toLocaleString('en')}; start-up to join is beside it. Figures are medians with the range of the rounds in brackets; CPU seconds run from the consumer's start to done, and per second of that time (1.00/s is one core busy; Redis runs its commands on one).

| consumer | events/s | drain s | start → join s | start → done s | peak RSS MB | consumer CPU s | Redis CPU s | order lists |
|---|---:|---:|---:|---:|---:|---:|---:|---|
${kinds.join('\n')}

**Ours / baseline: ${formatSpread(f.ratio, 2)}×** (each round's pair, then the median).
${finalized}
| target (issue 11) | ours | |
|---|---|---|
${verdicts.join('\n')}

The baseline: kafkajs \`eachBatch\` with one partition per slot (${input.partitions} at once), and per event, awaited one after the other, \`SET NX PX\` of \`inflight:{id}\`, \`HSET\` of \`event:{id}\` (status, processedAt, attempts, userId, type, seq), \`SET\` of \`dedup:{id}\` with PX, \`RPUSH\` of the seq to \`order:{userId}\`, \`DEL\` of the lock; offsets resolved and heartbeats offered per event, offsets committed per batch. It has the same Redis client (auto-pipelining on) and consumer settings as ours, and none of its guarantees beyond the lock: no dedup check, seq buffering, retries, dead letters or durability wait.

Per round:

${roundsTable(input.results)}
${profile}
Reproduce: \`BENCH=drain make bench\` (\`DRAIN_RUNS\` rounds, default 3; \`DRAIN_EVENTS\`; \`DRAIN_PROFILE=1\` profiles ours).
`;
}
