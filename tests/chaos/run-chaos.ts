// `make chaos`: every scenario at full size, then docs/reliability.md. Exits 1 when a scenario
// missed the goal (0 lost, 0 duplicated, 0 5xx, 0 crashed processes).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@evh/testing';
import { startChaosStack } from './chaos-stack.js';
import { reliabilityReport } from './reliability-report.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { fullSize, redisWithoutPersistence, scenarios, shortSize } from './scenarios.js';

const size = process.env.CHAOS_SIZE === 'short' ? shortSize : fullSize;
const only = process.env.CHAOS_SCENARIOS?.split(',').filter(Boolean);
const out = join(repoRoot, 'docs/reliability.md');

const stack = await startChaosStack();
const results: ScenarioResult[] = [];
try {
  for (const scenario of scenarios) {
    if (only && !only.includes(scenario.name)) continue;
    const started = Date.now();
    const result = await runScenario(stack, scenario, size);
    results.push(result);
    const v = result.verdict;
    console.log(
      `${scenario.name}: sent ${v.sent}, acknowledged ${v.acknowledged}, lost ${v.lost}, duplicated ${v.duplicated}` +
        ` (${((Date.now() - started) / 1000).toFixed(0)} s)${result.failures.length ? `\n  ${result.failures.join('\n  ')}` : ''}`,
    );
  }
  if (!only || only.includes(redisWithoutPersistence.name)) {
    // The control: the checker must find what a Redis without persistence loses.
    const control = await runScenario(stack, redisWithoutPersistence, size, { drainTimeoutMs: 20_000 });
    control.failures = control.verdict.lost > 0 ? [] : ['the checker found nothing lost'];
    results.push(control);
    console.log(
      `${control.name}: lost ${control.verdict.lost} of ${control.verdict.acknowledged} (expected: some)`,
    );
  }
} finally {
  await stack.close();
}
const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores, ${
  size === fullSize ? 'full' : 'short'
} size: ${size.rate} events/s from ${size.users} users.`;
writeFileSync(out, reliabilityReport(results, header));
console.log(`wrote ${out}`);
process.exit(results.every((r) => r.failures.length === 0) ? 0 : 1);
