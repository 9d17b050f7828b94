import type { ScenarioResult } from './run-scenario.js';

const secs = (s: number | null) => (s === null ? '—' : s.toFixed(1));

function statusMix(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
}

/** docs/reliability.md: one row per scenario, then what each one did and answered. */
export function reliabilityReport(results: ScenarioResult[], header: string): string {
  const rows = results.map((r) => {
    const v = r.verdict;
    const fiveXx = r.load.unexpected5xx + r.load.bare503 + (r.malformed?.fiveXx ?? 0);
    return `| ${r.name} | ${v.sent} | ${v.acknowledged} | ${v.finalized} | ${v.lost} | ${v.duplicated} | ${v.orderViolations} | ${fiveXx} | ${r.crashed.length} | ${secs(r.recoverSeconds)} | ${secs(r.drainSeconds)} | ${r.failures.length === 0 ? 'met' : '**not met**'} |`;
  });
  const details = results.map((r) => {
    const lines = [`### ${r.name}`, '', `${r.what}.`, ''];
    lines.push(`- load: ${r.load.requests} batch requests, answers ${statusMix(r.load.statuses)}`);
    if (r.malformed) {
      const m = r.malformed;
      lines.push(`- malformed: ${m.requests} requests, answers ${statusMix(m.statuses)}`);
      lines.push(`- slow senders cut off by the server: ${m.slowCutOff} of ${m.slowSent}`);
    }
    for (const n of r.notes) lines.push(`- ${n}`);
    for (const f of r.failures) lines.push(`- **failure:** ${f}`);
    return lines.join('\n');
  });
  return [
    '# Reliability',
    '',
    header,
    '',
    'Written by `make chaos` (tests/chaos). Each scenario runs a fresh ingest and consumer on a Kafka and a Redis of',
    "the suite's own, under a load of client-chosen event ids that a client resends until acknowledged. The checker",
    'then compares what the clients were told with what Redis holds: every acknowledged event finalized exactly once',
    'with attempts 1, per-user order lists strictly increasing, no `inflight:*` left, no dead letters, every process alive.',
    '5xx counts every 5xx except a 503 with Retry-After (the documented answer while Kafka or Redis is away).',
    'Recover: seconds from the heal until a batch was acknowledged and an event processed again. Drain: seconds from the',
    'end of the load (malformed requests included) until every acknowledged event was finalized. The last row is the control: Redis restarted without its AOF, where the goal is',
    'that the checker does find the events whose state was erased.',
    '',
    '| scenario | sent | acknowledged | finalized | lost | duplicated | order violations | 5xx | crashed | recover s | drain s | goal |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...details.flatMap((d) => [d, '']),
  ].join('\n');
}
