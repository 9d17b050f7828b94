import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStallWatch, type WorkObservation } from './stall-watch.js';

const STALL_MS = 60_000;

/** A worker and a clock the test moves by hand. */
function fixture() {
  const clock = { at: 1_000_000 };
  const worker: WorkObservation = { progress: 0, hasWork: false, dependenciesUp: true };
  const alive = createStallWatch({ stallMs: STALL_MS, observe: () => ({ ...worker }), now: () => clock.at });
  const after = async (ms: number) => {
    clock.at += ms;
    return alive();
  };
  return { worker, after };
}

describe('createStallWatch', () => {
  it('fails once a worker with work has made no progress for stallMs', async () => {
    const { worker, after } = fixture();
    worker.hasWork = true;
    assert.equal(await after(0), true);
    assert.equal(await after(STALL_MS - 1), true);
    assert.equal(await after(1), false);
    assert.equal(await after(10_000), false, 'stays failed while stuck');
  });

  it('stays alive while the worker progresses, however long the work lasts', async () => {
    const { worker, after } = fixture();
    worker.hasWork = true;
    for (let i = 0; i < 20; i++) {
      worker.progress++;
      assert.equal(await after(STALL_MS / 2), true);
    }
  });

  it('recovers when progress resumes', async () => {
    const { worker, after } = fixture();
    worker.hasWork = true;
    await after(0);
    assert.equal(await after(STALL_MS), false);
    worker.progress++;
    assert.equal(await after(1), true);
  });

  it('never fails an idle worker, and times a new backlog from when it was first seen', async () => {
    const { worker, after } = fixture();
    assert.equal(await after(0), true);
    assert.equal(await after(10 * STALL_MS), true, 'idle for ten stall periods');
    worker.hasWork = true;
    assert.equal(await after(10_000), true, 'the time before the work was seen does not count');
    assert.equal(await after(STALL_MS - 1), true);
    assert.equal(await after(1), false);
  });

  it('does not fail while a dependency is down, and restarts the clock when it returns', async () => {
    const { worker, after } = fixture();
    worker.hasWork = true;
    await after(0);
    worker.dependenciesUp = false;
    assert.equal(await after(STALL_MS * 3), true, 'Kafka down: readiness fails, liveness does not');
    worker.dependenciesUp = true;
    assert.equal(await after(1000), true, 'Kafka back');
    assert.equal(await after(STALL_MS - 1), true, 'the outage does not count toward a stall');
    assert.equal(await after(1), false);
  });
});
