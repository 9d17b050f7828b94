// Fairness between projects (make bench): project B sends crashes at a steady low rate, alone
// and while project A floods the ingest at 20× its quota, in FAIRNESS_RUNS rounds whose phases
// rotate in order (so the machine's drift hits each). B's time from accepted to processed is
// compared between the phases of each round; A's accepted rate with its quota. The third
// phase is the control: the same k6 flood aimed at a bare server that refuses every request
// (refusing-server.ts), so that the platform never sees it. B's time then is what the load on
// the two cores alone costs B; the flood phase's excess over it is what the platform's
// handling of A costs B.
// B's slowest crashes are broken down into stages from the stamps their records keep.
// Quotas are written to Redis by hand, the documented way without a Kubernetes API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { consumerLag } from '@evh/kafka/kafkajs';
import { minuteOf, quotaKeys, serializeQuota } from '@evh/quota';
import { crashKeys, pipelineKeys } from '@evh/redis';
import { waitFor } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { type BenchStack, benchStack, pidOf } from './bench-stack.js';
import { type CpuMeter, type CpuUsage, cpuMeter } from './cpu-meter.js';
import { formatSpread, spread } from './drain-stats.js';
import { type FloodResult, runFlood, startRefusingServer } from './fairness-flood.js';
import { STAGE_NAMES, STAGES, type Stamps, tailAndTypical } from './fairness-stages.js';
import { FAIRNESS_GOAL, fairnessVerdict } from './fairness-verdict.js';
import { percentile } from './process-stats.js';

const QUOTA = 100; // events/s for each project
const B_RATE = 20; // B's steady rate, events/s
const SECONDS = Number(process.env.FAIRNESS_SECONDS ?? 20);
/** k6's niceness (0: the same priority as the services). */
const K6_NICE = Number(process.env.FAIRNESS_K6_NICE ?? 10);
/** Rounds of (B alone, B during A's flood, B during the control flood), their order rotating. */
const RUNS = Number(process.env.FAIRNESS_RUNS ?? 5);
/** A sends at 20× its quota (FAIRNESS_A_RATE to vary it)... */
const A_RATE = Number(process.env.FAIRNESS_A_RATE ?? 20 * QUOTA);
/** ...for a little longer than B sends, since B starts once A's first crash is in. */
const FLOOD_SECONDS = SECONDS + 2;
/** A's flood in the warm-up, not measured. */
const WARM_FLOOD_SECONDS = 5;

function crash(projectId: string, i: number) {
  return JSON.stringify({
    projectId,
    severity: 'error',
    message: `Checkout failed for cart ${i}`,
    stacktrace: [{ file: 'checkout.ts', method: 'pay', line: i % 100 }],
  });
}

async function post(url: string, body: string): Promise<{ status: number; eventId?: string }> {
  const res = await fetch(`${url}/v1/crashes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const json = (await res.json()) as { eventId?: string };
  return { status: res.status, eventId: json.eventId };
}

interface Sent {
  id: string;
}

/** B's steady sender: one crash every 1/B_RATE s; returns the accepted event ids. */
async function sendB(url: string, projectId: string): Promise<Sent[]> {
  const ids: Sent[] = [];
  const start = performance.now();
  for (let i = 0; i < B_RATE * SECONDS; i++) {
    const due = start + (i * 1000) / B_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const r = await post(url, crash(projectId, i));
    if (r.status === 202 && r.eventId) ids.push({ id: r.eventId });
  }
  return ids;
}

/** A's flood at A_RATE for `seconds`, at the ingest or at the control's server. */
const floodA = (targetUrl: string, projectId: string, cpu: CpuMeter, seconds = FLOOD_SECONDS) =>
  runFlood({ targetUrl, projectId, rate: A_RATE, seconds, nice: K6_NICE, cpu });

/** Resolves once the ingest has counted A's first crash (accepted or throttled). */
async function floodStarted(stack: BenchStack, projectId: string): Promise<void> {
  await waitFor(
    `${projectId} flooding`,
    async () => {
      const usage = await stack.redis.hmget(
        quotaKeys.usage(projectId, minuteOf(Date.now())),
        'accepted',
        'throttled',
      );
      return usage.some((v) => Number(v ?? 0) > 0);
    },
    { timeoutMs: 30_000, intervalMs: 10 },
  );
}

/** Waits until B's crashes are all processed; returns their stamps. */
async function stampsOf(stack: BenchStack, projectId: string, sent: Sent[]): Promise<Stamps[]> {
  const ids = sent.map((s) => s.id);
  await waitFor(
    `${ids.length} crashes of ${projectId} processed`,
    async () => {
      const p = stack.redis.pipeline();
      for (const id of ids) p.exists(pipelineKeys.event(id));
      const rows = (await p.exec()) ?? [];
      return rows.every(([, v]) => v === 1);
    },
    { timeoutMs: 300_000, intervalMs: 200 },
  );
  const p = stack.redis.pipeline();
  for (const id of ids) {
    p.hmget(pipelineKeys.event(id), 'processedAt', 'loggedAt', 'readAt', 'startedAt');
    p.hget(crashKeys.event(projectId, id), 'receivedAt');
  }
  const rows = ((await p.exec()) ?? []).map(([, v]) => v);
  const out: Stamps[] = [];
  for (let i = 0; i < rows.length; i += 2) {
    const [processedAt, loggedAt, readAt, startedAt] = (rows[i] as (string | null)[]).map(Number);
    out.push({
      receivedAt: Number(rows[i + 1]),
      loggedAt: loggedAt ?? Number.NaN,
      readAt: readAt ?? Number.NaN,
      startedAt: startedAt ?? Number.NaN,
      processedAt: processedAt ?? Number.NaN,
    });
  }
  return out;
}

const totalOf = (s: Stamps) => s.processedAt - s.receivedAt;
const sortedTotals = (rows: Stamps[]) => rows.map(totalOf).sort((a, b) => a - b);

/** Waits until the consumer has nothing of A's flood left, so the next phase starts clean. */
async function drained(stack: BenchStack): Promise<void> {
  await waitFor(
    'the consumer drained',
    async () => (await consumerLag(stack.admin, stack.group, stack.topic)).total === 0,
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  // Offsets are committed a moment after the work: let the last events finish too.
  await sleep(1000);
}

interface Phase extends CpuUsage {
  stamps: Stamps[];
}

type Flooded = Phase & { flood: FloodResult };

const PHASES = ['alone', 'flood', 'control'] as const;
type PhaseName = (typeof PHASES)[number];

interface Round {
  /** The phases in the order they ran. */
  order: PhaseName[];
  alone: Phase;
  withFlood: Flooded;
  /** B while the same flood goes to the bare server: the machine's load without the platform. */
  control: Flooded;
}

interface Level {
  concurrency: number;
  rounds: Round[];
}

function pidsOf(ingest: number, consumer: number): Record<string, number> {
  const pids: Record<string, number> = { ingest, consumer };
  const run = process.env.BENCH_RUN_DIR;
  for (const name of ['kafka', 'redis']) {
    try {
      if (run) pids[name] = Number(readFileSync(join(run, `${name}.pid`), 'utf8').trim());
    } catch {
      // Not ours to measure (another run's server): left out of the CPU columns.
    }
  }
  return pids;
}

/** One concurrency level: a fresh stack (own topics, keys, quotas), then RUNS rounds. */
async function level(concurrency: number): Promise<Level> {
  const stack = await benchStack({ QUOTA_REFRESH_MS: '200' });
  const a = 'project-a';
  const b = 'project-b';
  const quota = serializeQuota({
    eventsPerSecond: QUOTA,
    burst: QUOTA,
    weight: 1,
    mode: 'enforce',
    source: 'bench',
  });
  await stack.redis.hset(quotaKeys.effective(), a, quota, b, quota);
  await stack.redis.incr(quotaKeys.version());
  const ingest = await stack.start('ingest');
  const consumer = await stack.start('consumer', {
    CONSUMER_CONCURRENCY: String(concurrency),
    CRASH_SIMULATED_WORK_MS: '20',
  });
  const pids = pidsOf(pidOf(ingest), pidOf(consumer));

  const alonePhase = async (): Promise<Phase> => {
    const cpu = cpuMeter(pids);
    const sent = await sendB(ingest.url, b);
    const usage = cpu.stop();
    return { stamps: await stampsOf(stack, b, sent), ...usage };
  };
  const controlPhase = async (): Promise<Flooded> => {
    const server = await startRefusingServer();
    try {
      const cpu = cpuMeter({ ...pids, control: server.pid });
      const flooding = floodA(server.url, a, cpu);
      await server.flooded;
      const [sent, flood] = await Promise.all([sendB(ingest.url, b), flooding]);
      const usage = cpu.stop();
      return { stamps: await stampsOf(stack, b, sent), ...usage, flood };
    } finally {
      await server.stop();
    }
  };
  const floodPhase = async (): Promise<Flooded> => {
    const cpu = cpuMeter(pids);
    // B starts with A's first request, not with k6's start-up (50 VUs initialised on the same
    // two cores): what is measured is B during A's flood, from its first crash on.
    const flooding = floodA(ingest.url, a, cpu);
    await floodStarted(stack, a);
    const [sent, flood] = await Promise.all([sendB(ingest.url, b), flooding]);
    const usage = cpu.stop();
    const stamps = await stampsOf(stack, b, sent);
    await drained(stack);
    return { stamps, ...usage, flood };
  };

  const rounds: Round[] = [];
  // Warm-up, not reported: the first crashes of a fresh consumer pay for its JIT and pools,
  // and the first flood is the first time the ingest refuses (its refusal path is compiled
  // while A floods: the first round's onset would measure V8's compiler, not the flood).
  await stampsOf(stack, b, await sendB(ingest.url, b));
  const warmCpu = cpuMeter({});
  await floodA(ingest.url, a, warmCpu, WARM_FLOOD_SECONDS);
  warmCpu.stop();
  await drained(stack);
  const runPhase = { alone: alonePhase, flood: floodPhase, control: controlPhase };
  for (let r = 0; r < RUNS; r++) {
    // Each phase first, second and third in turn, so that drift within a round hits all three.
    const order = PHASES.map((_, i) => PHASES[(i + r) % PHASES.length] as PhaseName);
    const got: Partial<Record<PhaseName, Phase | Flooded>> = {};
    for (const name of order) got[name] = await runPhase[name]();
    rounds.push({
      order,
      alone: got.alone as Phase,
      withFlood: got.flood as Flooded,
      control: got.control as Flooded,
    });
    process.stderr.write(`fairness: concurrency ${concurrency}, round ${r + 1}/${RUNS} done\n`);
  }
  await stack.close();
  return { concurrency, rounds };
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const times = (v: number) => `${v.toFixed(2)}×`;

function figuresOf(round: Round) {
  const alone = sortedTotals(round.alone.stamps);
  const flood = sortedTotals(round.withFlood.stamps);
  const control = sortedTotals(round.control.stamps);
  return {
    alone: { p50: percentile(alone, 50), p99: percentile(alone, 99) },
    flood: { p50: percentile(flood, 50), p99: percentile(flood, 99) },
    control: { p50: percentile(control, 50), p99: percentile(control, 99) },
  };
}

const PROCESS_COLUMNS = ['ingest', 'consumer', 'k6', 'kafka', 'redis', 'control'];

function cpuColumns(phase: Phase): string {
  const names = PROCESS_COLUMNS;
  const total = Object.values(phase.cpuS).reduce((s, v) => s + v, 0);
  const parts = names.map((n) =>
    phase.cpuS[n] === undefined ? '–' : `${Math.round((100 * (phase.cpuS[n] ?? 0)) / phase.wallS)} %`,
  );
  return `${parts.join(' | ')} | ${Math.round((100 * total) / phase.wallS)} %`;
}

/** ms per second of the phase each process's threads waited for a core, and the machine's pressure. */
function waitColumns(phase: Phase): string {
  const parts = PROCESS_COLUMNS.map((n) =>
    phase.waitS[n] === undefined ? '–' : `${Math.round((1000 * (phase.waitS[n] ?? 0)) / phase.wallS)}`,
  );
  const pressure =
    phase.pressureS === undefined ? '–' : `${Math.round((100 * phase.pressureS) / phase.wallS)} %`;
  return `${parts.join(' | ')} | ${pressure}`;
}

function levelSection(l: Level): string {
  const figures = l.rounds.map(figuresOf);
  const verdict = fairnessVerdict(figures);
  // The same goal with the control in place of B alone: what the platform adds to the machine.
  const platform = fairnessVerdict(figures.map((f) => ({ alone: f.control, flood: f.flood })));
  const machine = spread(figures.map((f) => f.control.p99 / f.alone.p99));
  const rows = l.rounds.map((round, i) => {
    const f = figures[i] as (typeof figures)[number];
    const acceptedPerS = round.withFlood.flood.accepted / FLOOD_SECONDS;
    return `| ${i + 1} | ${round.order.join(', ')} | ${ms(f.alone.p50)} / ${ms(f.alone.p99)} | ${ms(f.flood.p50)} / ${ms(f.flood.p99)} | ${times(f.flood.p50 / f.alone.p50)} / **${times(f.flood.p99 / f.alone.p99)}** | ${ms(f.control.p50)} / ${ms(f.control.p99)} | ${times(f.control.p99 / f.alone.p99)} | ${times(f.flood.p99 / f.control.p99)} | ${Math.round(round.withFlood.flood.sent / FLOOD_SECONDS)}/s | ${acceptedPerS.toFixed(0)}/s |`;
  });
  const cpuRows = l.rounds.flatMap((round, i) => [
    `| ${i + 1} | B alone | ${cpuColumns(round.alone)} |`,
    `| ${i + 1} | B during the flood | ${cpuColumns(round.withFlood)} |`,
    `| ${i + 1} | B during the control flood | ${cpuColumns(round.control)} |`,
  ]);
  const waitRows = l.rounds.flatMap((round, i) => [
    `| ${i + 1} | B alone | ${waitColumns(round.alone)} |`,
    `| ${i + 1} | B during the flood | ${waitColumns(round.withFlood)} |`,
    `| ${i + 1} | B during the control flood | ${waitColumns(round.control)} |`,
  ]);
  const pooled = (pick: (r: Round) => Phase) => l.rounds.flatMap((r) => pick(r).stamps);
  const bands = [
    ['B alone', tailAndTypical(pooled((r) => r.alone))],
    ['B during the flood', tailAndTypical(pooled((r) => r.withFlood))],
    ['B during the control flood', tailAndTypical(pooled((r) => r.control))],
  ] as const;
  const stageRows = bands.flatMap(([name, { tail, typical }]) => [
    `| ${name}: middle fifth (${typical.n}) | ${ms(typical.total)} | ${STAGES.map((s) => `${typical.stages[s].toFixed(1)}`).join(' | ')} |`,
    `| ${name}: slowest 1 % (${tail.n}) | ${ms(tail.total)} | ${STAGES.map((s) => `${tail.stages[s].toFixed(1)}`).join(' | ')} |`,
  ]);
  const maxAccepted = Math.max(...l.rounds.map((r) => r.withFlood.flood.accepted / FLOOD_SECONDS));
  return `
### CONSUMER_CONCURRENCY=${l.concurrency}

**p99 ratio ${formatSpread(verdict.p99, 2)}** (median, range over ${verdict.p99.n} runs), ${verdict.p99Met} of ${verdict.p99.n} runs within ${FAIRNESS_GOAL.p99}×; p50 ratio ${formatSpread(verdict.p50, 2)}; A accepted at most ${maxAccepted.toFixed(0)}/s for a quota of ${QUOTA}/s (+ a burst of ${QUOTA}). Goal (p99 ≤ ${FAIRNESS_GOAL.p99}× in the median and in ${Math.ceil(FAIRNESS_GOAL.p99Runs * verdict.p99.n)} of ${verdict.p99.n} runs, p50 ≤ ${FAIRNESS_GOAL.p50}×): **${verdict.met ? 'met' : 'not met'}**.

The control (the same flood at a bare server, the platform seeing none of it): B's p99 ratio **${formatSpread(machine, 2)}** to B alone, what the load on the two cores costs B by itself. B during A's flood over B during the control: **p99 ${formatSpread(platform.p99, 2)}**, ${platform.p99Met} of ${platform.p99.n} runs within ${FAIRNESS_GOAL.p99}×; p50 ${formatSpread(platform.p50, 2)}: what the platform's handling of A adds.

| run | order | B alone p50 / p99 | B during A's flood p50 / p99 | ratio p50 / p99 | B during the control p50 / p99 | control / alone p99 | flood / control p99 | A attempted | A accepted |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Where B's time went (mean ms per stage, all runs pooled): ${STAGES.map((s) => `${s} = ${STAGE_NAMES[s]}`).join('; ')}.

| events | total | ${STAGES.join(' | ')} |
|---|---|${STAGES.map(() => '---').join('|')}|
${stageRows.join('\n')}

CPU per process during each phase (share of one core; the machine has two, 200 %):

| run | phase | ingest | consumer | k6 | kafka | redis | control server | all |
|---|---|---|---|---|---|---|---|---|
${cpuRows.join('\n')}

Waiting for a core during each phase: ms per second that each process's threads were runnable but not running (the sum over its threads, from \`/proc/<pid>/task/*/schedstat\`), and the share of the phase in which some task on the machine waited (\`some\` of \`/proc/pressure/cpu\`):

| run | phase | ingest | consumer | k6 | kafka | redis | control server | machine |
|---|---|---|---|---|---|---|---|---|
${waitRows.join('\n')}
`;
}

async function main() {
  // The default consumer, and one with room for only ~4× one project's quota
  // (8 at a time × 20 ms), where A's admitted share really competes with B's.
  // FAIRNESS_CONCURRENCY="64" runs one of them (a quicker look while tuning).
  const levels = (process.env.FAIRNESS_CONCURRENCY ?? '64 8').split(/\s+/).filter(Boolean).map(Number);
  const results: Level[] = [];
  for (const concurrency of levels) results.push(await level(concurrency));
  const body = `
## Fairness between projects (issue 6, issue 18)

${new Date().toISOString().slice(0, 10)} · ${machineLine()} · one ingest, one consumer (20 ms simulated work per crash), Kafka and Redis on this machine, and k6 flooding on it too. Both projects have a quota of ${QUOTA} events/s (burst ${QUOTA}, weight 1). B posts ${B_RATE} crashes/s for ${SECONDS} s, alone and while A floods at ${A_RATE} crashes/s for ${FLOOD_SECONDS} s (\`loadtest/k6/project-flood.js\`; B starts with A's first request). ${RUNS} rounds per level of three phases: B alone, B during A's flood, and B during the control flood (the same k6 flood aimed at a bare node:http server answering every request 429, \`loadtest/src/refusing-server.ts\`, so that only the machine's cores feel it); each phase runs first, second and third in turn. A warm-up of B alone and of 5 s of A's flood (so that the ingest's refusal path is compiled before the first round) is not counted. Latency is B's, from the ingest accepting a crash to the consumer's final state; each run's ratio is B during the flood over B alone in that run.
${results.map(levelSection).join('\n')}
How to read the stages: B's middle fifth is what a typical crash costs, and it hardly moves with the flood; its slowest 1 % is where the flood shows. \`queue\` is the consumer's own waiting (B's lane, the fair scheduler, whose last slots are kept for projects holding few: ADR 0019). \`kafka\` and \`work\` are hops between processes (the broker; the three Redis calls of a crash of a known issue, four for a new one; a timer). The control says how much of their growth the load on the two cores explains by itself (the CPU table has both floods); what the flood phase adds over the control is the platform's handling of A: its refusals and the processing of its admitted share (\`FAIRNESS_A_RATE=100\` runs A at its quota, nothing refused, to separate the two). Admission keeps A's excess out of Kafka; the ingest refuses a project it knows to be over its quota without asking Redis (ADR 0019). The waiting table is where the flood's cost to B shows as a quantity: every hop of B's crash (the ingest's and the consumer's event loops, the broker's threads, Redis's one thread) shares the two cores with A's flood and A's admitted work, and during the flood each waits for a core several times as long per second as when B is alone. The platform's scheduling between projects cannot shorten that wait (B's \`queue\` stage stays under 2 ms); less CPU for A's work would, and so would cores that A's work and its load generator do not use (ADR 0025).

Reproduce: \`BENCH=fairness make bench\` (\`FAIRNESS_RUNS\`, \`FAIRNESS_CONCURRENCY\`, \`FAIRNESS_SECONDS\`, \`FAIRNESS_A_RATE\` to vary it).
`;
  writeSection('docs/benchmarks.md', 'fairness', body);
  process.stdout.write(body);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
