import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuProfile, profileTable, summarizeProfile } from './drain-cpu-profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root → parse (two nodes, two call paths) and idle; 1 ms samples unless a delta says otherwise.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('parse', 'file:///repo/node_modules/kafkajs/src/decoder.js', 9) },
    { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/kafkajs/src/decoder.js', 9) },
    { id: 4, callFrame: frame('(idle)') },
    { id: 5, callFrame: frame('', 'file:///repo/services/consumer/dist/src/main.js', 0) },
  ],
  startTime: 0,
  endTime: 10_000,
  // Sample times 1000, 2000, 3000, 6000, 7000; the last lasts until endTime.
  samples: [2, 3, 4, 5, 4],
  timeDeltas: [1000, 1000, 1000, 3000, 1000],
};

test('a sample lasts until the next one; one function on two paths is one row', () => {
  const s = summarizeProfile(profile, { root: '/repo' });
  assert.equal(s.totalMs, 9);
  assert.deepEqual(
    s.top.map((e) => [e.name, e.location, e.selfMs]),
    [
      ['(idle)', '', 6],
      ['parse', 'kafkajs/src/decoder.js:10', 2],
      ['(anonymous)', 'services/consumer/dist/src/main.js:1', 1],
    ],
  );
  assert.equal(s.idleShare, 6 / 9);
  assert.equal(s.gcShare, 0);
});

test('top keeps the largest self times only', () => {
  const s = summarizeProfile(profile, { top: 1 });
  assert.equal(s.top.length, 1);
  assert.equal(s.top[0]?.name, '(idle)');
});

test('the table has a row per function', () => {
  const table = profileTable(summarizeProfile(profile, { root: '/repo' }));
  assert.equal(table.split('\n').length, 2 + 3);
  assert.match(table, /\| 2 \| 22\.2 % \| `parse` \| `kafkajs\/src\/decoder\.js:10` \|/);
});

test('a window keeps only the samples taken in it', () => {
  // Samples at 2000 (parse, 1 ms) and 3000 (idle, 3 ms) start inside [1500, 3500].
  const s = summarizeProfile(profile, { root: '/repo', window: { fromUs: 1500, toUs: 3500 } });
  assert.equal(s.span, 'window');
  assert.equal(s.totalMs, 4);
  assert.deepEqual(
    s.top.map((e) => [e.name, e.selfMs]),
    [
      ['(idle)', 3],
      ['parse', 1],
    ],
  );
});

test('a window nothing was sampled in falls back to the whole profile, and says so', () => {
  const s = summarizeProfile(profile, { window: { fromUs: 50_000, toUs: 60_000 } });
  assert.equal(s.span, 'whole');
  assert.equal(s.totalMs, 9);
});
