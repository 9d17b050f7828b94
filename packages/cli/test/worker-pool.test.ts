import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { createWorkerPool } from '../src/analysis/worker-pool.js';

type Task = { n: number; act?: 'throw' | 'exit' | 'hang' };
type Result = { n: number; threadId: number };

const script = new URL('./fixtures/test-worker.js', import.meta.url);
const workerFailed = (err: unknown) => isCodedError(err) && err.code === 'CLI_WORKER_FAILED';

describe('createWorkerPool', () => {
  it('runs tasks on `size` threads and answers each with its own result', async () => {
    const pool = createWorkerPool<Task, Result>({ script, size: 3, workerData: null });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, n) => pool.run({ n })));
      assert.deepEqual(
        results.map((r) => r.n),
        Array.from({ length: 30 }, (_, n) => n * 2),
      );
      assert.equal(new Set(results.map((r) => r.threadId)).size, 3);
    } finally {
      await pool.close();
    }
  });

  it('fails a task that fails, or whose thread exits, and keeps serving the others', async () => {
    const pool = createWorkerPool<Task, Result>({ script, size: 2, workerData: null });
    try {
      const outcomes = await Promise.allSettled([
        pool.run({ n: 1 }),
        pool.run({ n: 2, act: 'throw' }),
        pool.run({ n: 3, act: 'exit' }),
        pool.run({ n: 4 }),
        pool.run({ n: 5, act: 'exit' }),
        pool.run({ n: 6 }),
      ]);
      assert.deepEqual(
        outcomes.map((o) =>
          o.status === 'fulfilled' ? o.value.n : workerFailed(o.reason) && (o.reason as Error).message,
        ),
        [2, 'task 2 failed', 'worker thread exited with code 3', 8, 'worker thread exited with code 3', 12],
      );
      assert.equal((await pool.run({ n: 7 })).n, 14, 'the pool still has its threads');
    } finally {
      await pool.close();
    }
  });

  it('close rejects what is queued or running, is idempotent, and refuses new tasks', async () => {
    const pool = createWorkerPool<Task, Result>({ script, size: 1, workerData: null });
    const running = assert.rejects(pool.run({ n: 1, act: 'hang' }), workerFailed);
    const queued = assert.rejects(pool.run({ n: 2 }), workerFailed);
    const first = pool.close();
    assert.equal(pool.close(), first);
    await first;
    await running;
    await queued;
    await assert.rejects(pool.run({ n: 3 }), workerFailed);
  });
});
