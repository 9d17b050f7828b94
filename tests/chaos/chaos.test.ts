import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ChaosStack, startChaosStack } from './chaos-stack.js';
import { runScenario } from './run-scenario.js';
import { redisWithoutPersistence, scenarios, shortSize } from './scenarios.js';

// The short version of `make chaos`: every scenario for a few seconds on a Kafka and a Redis
// of this file's own (the faults kill them), each held to the goal.
let stack: ChaosStack;
before(async () => {
  stack = await startChaosStack();
});
after(async () => {
  await stack?.close();
});

for (const scenario of scenarios) {
  test(`chaos ${scenario.name}: ${scenario.what}: nothing lost, nothing twice, no 5xx, nothing crashed`, async () => {
    const r = await runScenario(stack, scenario, shortSize, { drainTimeoutMs: 60_000 });
    assert.ok(
      r.verdict.acknowledged > shortSize.rate,
      `acknowledged ${r.verdict.acknowledged}: the load ran`,
    );
    assert.deepEqual(r.failures, [], JSON.stringify({ verdict: r.verdict, load: r.load, notes: r.notes }));
  });
}

// The control that keeps the checker honest: without the AOF, a Redis crash erases the state
// of events whose offsets were committed; the checker must see them lost.
test('chaos control: Redis SIGKILLed and restarted without its AOF: the checker finds the lost events', async () => {
  const r = await runScenario(stack, redisWithoutPersistence, shortSize, { drainTimeoutMs: 15_000 });
  assert.ok(r.verdict.lost > 0, `lost ${r.verdict.lost} of ${r.verdict.acknowledged}`);
});
