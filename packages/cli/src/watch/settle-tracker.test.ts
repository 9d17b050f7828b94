import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSettleTracker, isIgnoredName } from './settle-tracker.js';

const f = (name: string, size: number, mtimeMs = 1) => ({ name, size, mtimeMs });

describe('createSettleTracker', () => {
  it('reports a file once its size and mtime held still for stableMs', () => {
    // Each step: the time of the poll, the listing, the names that settled.
    const steps: [number, ReturnType<typeof f>[], string[]][] = [
      [0, [f('a', 10)], []],
      [500, [f('a', 20)], []], // still growing
      [1000, [f('a', 20)], []], // unchanged for 500 ms only
      [1500, [f('a', 20), f('b', 5)], ['a']],
      [1600, [f('a', 20, 2), f('b', 5)], []], // a touched: starts over
      [2500, [f('a', 20, 2), f('b', 5)], ['b']], // 900 ms since the touch
      [2600, [f('a', 20, 2), f('b', 5)], ['a', 'b']],
      [2700, [f('b', 5)], ['b']], // a deleted
      [3800, [f('a', 20, 2), f('b', 5)], ['b']], // a is back: a new sighting
    ];
    const tracker = createSettleTracker(1000);
    for (const [now, listing, expected] of steps) {
      assert.deepEqual(
        tracker.observe(listing, now).settled.map((x) => x.name),
        expected,
        `at ${now}`,
      );
    }
  });

  it('with stableMs 0 still needs two sightings', () => {
    const tracker = createSettleTracker(0);
    assert.deepEqual(tracker.observe([f('a', 1)], 0), { settled: [], appeared: ['a'] });
    assert.deepEqual(tracker.observe([f('a', 1)], 0), { settled: [f('a', 1)], appeared: [] });
  });
});

describe('appeared', () => {
  it('names each file the first time it is seen, and again after it was gone', () => {
    const tracker = createSettleTracker(1000);
    const appeared = [
      [f('b', 1), f('a', 1)],
      [f('a', 2), f('b', 1)],
      [f('b', 1)],
      [f('a', 1), f('b', 1)],
    ].map((listing, i) => tracker.observe(listing, i).appeared);
    assert.deepEqual(appeared, [['a', 'b'], [], [], ['a']]);
  });
});

describe('isIgnoredName', () => {
  it('ignores hidden files and the names writers use for incomplete files', () => {
    const cases: [string, boolean][] = [
      ['payments.txt', false],
      ['events.jsonl', false],
      ['.evh-watch-state.json', true],
      ['upload.part', true],
      ['upload.jsonl.tmp', true],
      ['x.crdownload', true],
      ['notes.txt~', true],
    ];
    for (const [name, ignored] of cases) assert.equal(isIgnoredName(name), ignored, name);
  });
});
