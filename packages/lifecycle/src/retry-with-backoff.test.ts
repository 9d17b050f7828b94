import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryWithBackoff } from './retry-with-backoff.js';

function clock() {
  let t = 0;
  const waits: number[] = [];
  return {
    now: () => t,
    wait: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
    waits,
  };
}

test('retries a retriable failure with doubling waits until it succeeds', async () => {
  const c = clock();
  let calls = 0;
  const result = await retryWithBackoff(
    async () => {
      if (++calls < 4) throw Object.assign(new Error('down'), { code: 'DOWN' });
      return 'ok';
    },
    { retriable: () => true, initialDelayMs: 100, maxDelayMs: 250, giveUpAfterMs: 10_000, ...c },
  );
  assert.equal(result, 'ok');
  assert.equal(calls, 4);
  assert.equal(c.waits.length, 3);
  // 100, 200, then capped at 250, each with up to 25 % jitter.
  for (const [i, base] of [100, 200, 250].entries()) {
    const waited = c.waits[i] ?? -1;
    assert.ok(waited >= base && waited <= base * 1.25, `wait ${i}: ${waited}`);
  }
});

test('gives up with the last error when the time is up, or at once when not retriable', async () => {
  const c = clock();
  let calls = 0;
  await assert.rejects(
    retryWithBackoff(
      async () => {
        calls++;
        throw new Error(`down ${calls}`);
      },
      { retriable: () => true, initialDelayMs: 100, maxDelayMs: 100, giveUpAfterMs: 1000, ...c },
    ),
    /down \d+/,
  );
  assert.ok(c.now() <= 1000, 'no wait past the deadline');
  assert.ok(calls >= 8 && calls <= 11, `${calls} calls`);
  let once = 0;
  await assert.rejects(
    retryWithBackoff(
      async () => {
        once++;
        throw new Error('bad');
      },
      { retriable: () => false, initialDelayMs: 1, maxDelayMs: 1, giveUpAfterMs: 1000, ...clock() },
    ),
    /bad/,
  );
  assert.equal(once, 1);
});

test('without a retriable test, the error’s code decides (isRetriable)', async () => {
  const { defineErrors } = await import('./coded-error.js');
  const errors = defineErrors({
    GONE: { status: 404, retriable: false },
    DOWN: { status: 503, retriable: true },
  });
  let calls = 0;
  await assert.rejects(
    retryWithBackoff(
      async () => {
        calls++;
        throw errors.GONE('no such thing');
      },
      { initialDelayMs: 1, maxDelayMs: 1, giveUpAfterMs: 1000, ...clock() },
    ),
    /no such thing/,
  );
  assert.equal(calls, 1, 'a non-retriable code is not tried again');
  calls = 0;
  const result = await retryWithBackoff(
    async () => {
      if (++calls < 3) throw errors.DOWN('later');
      return calls;
    },
    { initialDelayMs: 1, maxDelayMs: 1, giveUpAfterMs: 1000, ...clock() },
  );
  assert.equal(result, 3);
});
