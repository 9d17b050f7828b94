// Redis persistence cost (make bench): what the AOF costs the consumer's finalize workload.
// Three Redis servers, started by tests/infra/redis.sh in the same run on the same disk:
// `appendonly no`, `appendfsync everysec` (what make up, make test and the chart run) and
// `appendfsync always`. AOF rewrites run as configured (at 64 MB, then when doubled); a measurement a rewrite shrank is left out of bytes/event. Delayed fsyncs are writes Redis held back because the last second's fsync had not finished. Each event is the consumer's own begin-event.lua (dedup check, lock)
// then finalize-event.lua (final state, dedup marker, order, seq, counters, unlock), read
// from services/consumer/src/redis, so the figures follow the scripts as they change.
// Writers each own their users, as the consumer's lanes do: a user's events are sequential,
// writers run concurrently through one auto-pipelined client (@evh/redis's). Configurations
// are interleaved over rounds so a busy neighbour on the machine spreads over all of them.
// It asserts nothing beyond each script's verdict; it reports throughput, latency, AOF bytes
// and Redis CPU per event, and the ratios to `appendonly no`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createRedis, defineScripts, pipelineKeys as k, type Redis, readLuaScript } from '@evh/redis';
import { randomName, repoRoot } from '@evh/testing';
import { machineLine, writeSection } from './bench-report.js';
import { cpuSeconds, percentile } from './process-stats.js';

const REPORT_FILE = process.env.BENCH_REPORT_FILE ?? 'docs/benchmarks.md';
const RUN_DIR = resolve(repoRoot, process.env.BENCH_RUN_DIR ?? '.run/bench');
/** Three consecutive ports from here, one per configuration. */
const BASE_PORT = Number(process.env.BENCH_AOF_REDIS_PORT ?? 26380);
// Many short rounds rather than a few long ones: on a shared machine the medians of rounds
// (and of ratios taken within one round) shrug off a neighbour's burst.
const SECONDS = Number(process.env.BENCH_AOF_SECONDS ?? 1.5);
const ROUNDS = Number(process.env.BENCH_AOF_ROUNDS ?? 5);
/** 1: one user's sequential events (a lane); 64: the consumer's default concurrency. */
const WRITERS = (process.env.BENCH_AOF_WRITERS ?? '1,64').split(',').map(Number);
const USERS_PER_WRITER = 4;
const RETENTION_MS = 7 * 86_400_000;
const LOCK_TTL_MS = 30_000;

interface Mode {
  id: string;
  label: string;
  env: Record<string, string>;
}

const MODES: Mode[] = [
  { id: 'off', label: '`appendonly no`', env: { REDIS_APPENDONLY: 'no' } },
  {
    id: 'everysec',
    label: '`appendfsync everysec`',
    env: { REDIS_APPENDONLY: 'yes', REDIS_APPENDFSYNC: 'everysec' },
  },
  {
    id: 'always',
    label: '`appendfsync always`',
    env: { REDIS_APPENDONLY: 'yes', REDIS_APPENDFSYNC: 'always' },
  },
];

interface Server {
  mode: Mode;
  run: string;
  port: number;
  pid: number;
  redis: Redis;
}

interface Sample {
  events: number;
  seconds: number;
  latenciesMs: number[];
  /** AOF growth, counted only over measurements that no rewrite shrank (aofEvents events). */
  aofBytes: number;
  aofEvents: number;
  rewrites: number;
  /** everysec: writes Redis held back because the previous fsync had not finished. */
  delayedFsyncs: number;
  cpuSeconds: number;
}

type Script = (...args: (string | number)[]) => Promise<unknown>;

function redisSh(args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('bash', [join(repoRoot, 'tests/infra/redis.sh'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`redis.sh ${args.join(' ')}: ${r.stderr}`);
  return r.stderr;
}

async function startServer(mode: Mode, port: number): Promise<Server> {
  const run = join(RUN_DIR, `aof-${mode.id}`);
  rmSync(run, { recursive: true, force: true });
  redisSh(['start', run, String(port)], mode.env);
  const redis = createRedis({
    url: `redis://127.0.0.1:${port}`,
    name: `bench-aof-${mode.id}`,
    commandTimeoutMs: 30_000,
  });
  await redis.connect();
  defineScripts(redis, [
    readLuaScript(join(repoRoot, 'services/consumer/src/redis'), 'begin-event.lua'),
    readLuaScript(join(repoRoot, 'services/consumer/src/redis'), 'finalize-event.lua'),
  ]);
  const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  return { mode, run, port, pid, redis };
}

interface AofInfo {
  size: number;
  rewrites: number;
  delayedFsyncs: number;
}

async function aofInfo(redis: Redis): Promise<AofInfo> {
  const info = await redis.info('persistence');
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  return {
    size: field('aof_current_size'),
    rewrites: field('aof_rewrites') + field('aof_rewrite_in_progress'),
    delayedFsyncs: field('aof_delayed_fsync'),
  };
}

/** One event through the consumer's two scripts, as the consumer calls them. */
async function finalizeOne(redis: Redis, token: string, userId: string, seq: number): Promise<void> {
  const cmd = redis as unknown as Record<'beginEvent' | 'finalizeEvent', Script>;
  const id = `${token}-${userId}-${seq}`;
  const json = JSON.stringify({ id, userId, type: 'bench', payload: { seq } });
  const verdict = await cmd.beginEvent.call(
    redis,
    k.dedup(id),
    k.inflight(id),
    k.seqNext(userId),
    k.seqBuffer(userId),
    k.seqWaiting(),
    token,
    LOCK_TTL_MS,
    String(seq),
    json,
    Date.now(),
    userId,
    RETENTION_MS,
  );
  if (verdict !== 'run') throw new Error(`begin-event answered ${String(verdict)} for ${id}`);
  const [outcome] = (await cmd.finalizeEvent.call(
    redis,
    k.event(id),
    k.dedup(id),
    k.inflight(id),
    k.order(userId),
    k.seqNext(userId),
    k.seqBuffer(userId),
    k.seqWaiting(),
    k.counters(),
    k.dlqList(),
    k.dlq(id),
    token,
    'processed',
    Date.now(),
    1,
    id,
    userId,
    'bench',
    String(seq),
    '',
    RETENTION_MS,
    json,
  )) as [string, unknown];
  if (outcome !== 'done') throw new Error(`finalize-event answered ${outcome} for ${id}`);
}

async function measure(server: Server, writers: number, durationS = SECONDS): Promise<Sample> {
  const { redis } = server;
  // Every measurement starts from an empty dataset, so none pays for an earlier one's size.
  await redis.flushall();
  const token = randomName('aof');
  const aof0 = await aofInfo(redis);
  const cpu0 = cpuSeconds(server.pid);
  const latenciesMs: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + durationS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const users = Array.from({ length: USERS_PER_WRITER }, (_, u) => `u${w}-${u}`);
      const next = users.map(() => 1);
      for (let i = 0; performance.now() < deadline; i++) {
        const u = i % users.length;
        const seq = next[u] ?? 1;
        next[u] = seq + 1;
        const start = performance.now();
        await finalizeOne(redis, token, users[u] ?? 'u', seq);
        latenciesMs.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const aof1 = await aofInfo(redis);
  const rewrites = aof1.rewrites - aof0.rewrites;
  return {
    events: latenciesMs.length,
    seconds,
    latenciesMs,
    aofBytes: rewrites === 0 ? aof1.size - aof0.size : 0,
    aofEvents: rewrites === 0 ? latenciesMs.length : 0,
    rewrites,
    delayedFsyncs: aof1.delayedFsyncs - aof0.delayedFsyncs,
    cpuSeconds: cpuSeconds(server.pid) - cpu0,
  };
}

function merge(samples: Sample[]): Sample {
  return {
    events: samples.reduce((n, s) => n + s.events, 0),
    seconds: samples.reduce((n, s) => n + s.seconds, 0),
    latenciesMs: samples.flatMap((s) => s.latenciesMs).sort((a, b) => a - b),
    aofBytes: samples.reduce((n, s) => n + s.aofBytes, 0),
    aofEvents: samples.reduce((n, s) => n + s.aofEvents, 0),
    rewrites: samples.reduce((n, s) => n + s.rewrites, 0),
    delayedFsyncs: samples.reduce((n, s) => n + s.delayedFsyncs, 0),
    cpuSeconds: samples.reduce((n, s) => n + s.cpuSeconds, 0),
  };
}

function filesystemOf(dir: string): string {
  const r = spawnSync('df', ['--output=fstype,source', dir], { encoding: 'utf8' });
  const [type, source] = (r.stdout.trim().split('\n')[1] ?? '').trim().split(/\s+/);
  return type ? `${type} (${source})` : 'unknown';
}

/** Every configuration at every writer count, ROUNDS times, the order rotated each round. */
async function measureAll(servers: Server[]): Promise<Map<string, Sample[]>> {
  // Not recorded: the scripts loaded, the client's and the JIT's first costs paid.
  for (const server of servers) await measure(server, Math.max(...WRITERS), 0.5);
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const writers of WRITERS) {
      const order = servers.map((_, j) => servers[(j + round) % servers.length] as Server);
      for (const server of order) {
        const s = await measure(server, writers);
        const key = `${server.mode.id}/${writers}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        const rate = (s.events / s.seconds).toFixed(0);
        console.log(`round ${round + 1}, ${server.mode.id}, ${writers} writers: ${rate} events/s`);
      }
    }
  }
  return samples;
}

const rateOf = (s: Sample) => s.events / s.seconds;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function report(samples: Map<string, Sample[]>, version: string): string {
  const rows: string[] = [];
  const summary: string[] = [];
  for (const writers of WRITERS) {
    const base = samples.get(`off/${writers}`) ?? [];
    for (const mode of MODES) {
      const rounds = samples.get(`${mode.id}/${writers}`) ?? [];
      const rates = rounds.map(rateOf);
      // Within a round the three ran seconds apart: their ratio is the least disturbed figure.
      const ratio = median(rounds.map((s, r) => rateOf(s) / rateOf(base[r] ?? s)));
      const m = merge(rounds);
      rows.push(
        `| ${mode.label} | ${writers} | ${median(rates).toFixed(0)} | ` +
          `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)} | ${ratio.toFixed(2)} | ` +
          `${percentile(m.latenciesMs, 50).toFixed(2)} | ${percentile(m.latenciesMs, 99).toFixed(2)} | ` +
          `${m.aofEvents ? (m.aofBytes / m.aofEvents).toFixed(0) : '–'} | ${m.rewrites} | ${m.delayedFsyncs} | ` +
          `${((m.cpuSeconds / m.events) * 1e6).toFixed(0)} |`,
      );
      if (mode.id !== 'off') summary.push(`${mode.id} with ${writers}: ${ratio.toFixed(2)}`);
    }
  }
  return `## Redis persistence: the cost of the AOF (issue 10)

${new Date().toISOString().slice(0, 10)}, ${machineLine()}; Redis ${version}, data on ${filesystemOf(RUN_DIR)}.
Three servers started by \`tests/infra/redis.sh\` in one run, measured in turn: ${ROUNDS} rounds of ${SECONDS} s per configuration, the order rotated each round; events/s is the median of the rounds (range beside it), the ratio the median of the rounds' ratios.
AOF rewrites run as configured (at 64 MB, then when doubled); a measurement a rewrite shrank is left out of bytes/event. Delayed fsyncs are writes Redis held back because the last second's fsync had not finished. Each event is the consumer's own \`begin-event.lua\` then \`finalize-event.lua\` (dedup check and lock, then the final state, dedup marker, order, seq and counters: the writes of one finalized event).
Writers each own ${USERS_PER_WRITER} users and send a user's events one after the other, as the consumer's lanes do; 1 writer is one lane alone, 64 the consumer's default concurrency, all through one auto-pipelined client.
\`everysec\` is what \`make up\`, \`make test\` and the chart run; on a crash it loses at most the last ~1 s of writes (2 s when the disk is slow to fsync), the window \`DURABLE_AFTER_MS\` waits out before offsets are committed (ADR 0007).

| persistence | writers | events/s | range | vs \`appendonly no\` | p50 ms | p99 ms | AOF bytes/event | AOF rewrites | delayed fsyncs | Redis CPU µs/event |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Events/s against \`appendonly no\` with the same writers: ${summary.join('; ')}. Load average ${loadavg()[0]?.toFixed(1)} at the end on ${cpus().length} cores: the machine was shared with other work while measured, so the absolute figures vary from run to run more than the ratios.`;
}

const servers: Server[] = [];
try {
  for (const [i, mode] of MODES.entries()) servers.push(await startServer(mode, BASE_PORT + i));
  const info = (await servers[0]?.redis.info('server')) ?? '';
  const body = report(await measureAll(servers), /redis_version:(\S+)/.exec(info)?.[1] ?? '?');
  writeSection(REPORT_FILE, 'redis-aof', body);
  console.log(body);
} finally {
  for (const s of servers) {
    await s.redis.quit().catch(() => {});
    try {
      redisSh(['stop', s.run]);
    } catch (err) {
      console.error(err);
    }
  }
}
