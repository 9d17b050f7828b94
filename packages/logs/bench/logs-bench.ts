// Per-line cost of @evh/logs (issue 11): lines/s of parseLine alone and of the full analyzer,
// on a generated .jsonl sample shaped like the upload bench's (loadtest/src/jobs-bench.ts). Not
// a test: it asserts nothing and prints figures. Run after a build:
//   node packages/logs/dist/bench/logs-bench.js [lines] [rounds]
// Each figure is the median of `rounds` timed passes after one untimed warm-up pass, in lines
// per second of wall time and of the process's CPU time (user + system, GC threads included):
// the machine is shared, so the CPU figure is the steadier one, and the load average is printed.
import { loadavg } from 'node:os';
import { createLogAnalyzer, parseLine } from '../src/log-analyzer.js';
import { resolveLogsConfig } from '../src/logs-config.js';

const LINES = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 3);

/** mulberry32, so every run measures the same lines. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILURE', 'INFO', 'WARN'];

/** The upload bench's line shape, with about one bad line in 5,000 as real uploads have. */
function sample(n: number): string[] {
  const rnd = prng(42);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = Date.UTC(2025, 6, 21) + Math.floor(rnd() * 2 * 86_400_000);
    if (rnd() < 0.0002) {
      out.push(rnd() < 0.5 ? '{"timestamp": "2025-07-21T' : JSON.stringify({ timestamp: 'now', level: 'x' }));
      continue;
    }
    out.push(
      JSON.stringify({
        timestamp: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        status: STATUSES[Math.floor(rnd() * STATUSES.length)],
        service: `Service${Math.floor(rnd() * 40)}`,
        userId: `user${Math.floor(rnd() * 5000)}`,
        message: 'Payment processed for order',
        amount: Math.round(rnd() * 100_000) / 100,
      }),
    );
  }
  return out;
}

const config = resolveLogsConfig();
// Held as bytes and decoded line by line in every pass, as the upload worker's line reader
// does: each pass sees fresh strings, with no hash or flattening left over from the last.
const file = Buffer.from(`${sample(LINES).join('\n')}\n`);
const ends: number[] = [];
for (let i = file.indexOf(10); i >= 0; i = file.indexOf(10, i + 1)) ends.push(i);

function eachLine(onLine: (text: string) => void): void {
  let from = 0;
  for (const end of ends) {
    onLine(file.toString('utf8', from, end));
    from = end + 1;
  }
}

function parseOnly(): number {
  let valid = 0;
  eachLine((line) => {
    if (parseLine(line, 'jsonl', config).ok) valid++;
  });
  return valid;
}

function analyze(): number {
  const analyzer = createLogAnalyzer({
    config,
    format: 'jsonl',
    where: { job: 'bench' },
    anomalyCap: 100_000,
  });
  const where = { eventId: 'bench:1' };
  eachLine((line) => analyzer.push(line, where));
  return analyzer.analytics.valid;
}

interface Rate {
  /** Lines per second of wall time: what a quiet core would give. */
  wall: number;
  /** Lines per second of this process's CPU time: steadier than wall time on a busy machine. */
  cpu: number;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function linesPerSecond(run: () => number): Rate {
  run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpuStart);
    wall.push(LINES / (Number(process.hrtime.bigint() - start) / 1e9));
    cpu.push(LINES / ((used.user + used.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const fmt = ({ wall, cpu }: Rate) =>
  `${Math.round(wall / 1000).toLocaleString('en')}k lines/s (${Math.round(cpu / 1000).toLocaleString('en')}k per CPU s)`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
const parse = linesPerSecond(parseOnly);
const full = linesPerSecond(analyze);
process.stdout.write(
  `${LINES.toLocaleString('en')} .jsonl lines, median of ${ROUNDS}: parseLine ${fmt(parse)}, ` +
    `analyzer ${fmt(full)}; load average ${loadBefore} -> ${load()}\n`,
);
