import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketExpiresAt, bucketStart, CRASH_SERIES, windowStarts } from './crash-series.js';

test('a bucket starts on its boundary and expires a retention later', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
  assert.equal(bucketStart(at, 'minute'), Date.UTC(2026, 0, 2, 3, 4));
  assert.equal(bucketStart(at, 'hour'), Date.UTC(2026, 0, 2, 3));
  assert.equal(bucketExpiresAt(at, 'hour'), Date.UTC(2026, 0, 2, 3) + CRASH_SERIES.hour.retentionMs);
});

test('the window ends with the bucket of now and outlives no bucket it names', () => {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  for (const r of ['minute', 'hour'] as const) {
    const starts = windowStarts(now, r);
    const spec = CRASH_SERIES[r];
    assert.equal(starts.length, spec.buckets);
    assert.equal(starts.at(-1), bucketStart(now, r));
    assert.equal((starts.at(-1) ?? 0) - (starts[0] ?? 0), (spec.buckets - 1) * spec.bucketMs);
    // The oldest bucket shown is still kept when it is read.
    assert.ok((starts[0] ?? 0) + spec.retentionMs > now, r);
  }
});
