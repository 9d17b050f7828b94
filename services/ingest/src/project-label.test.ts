import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProjectLabel } from './project-label.js';

test('the first projects keep their id, later ones are other', () => {
  const label = createProjectLabel(2);
  assert.deepEqual(['a', 'b', 'c', 'a', 'd', 'b'].map(label), ['a', 'b', 'other', 'a', 'other', 'b']);
});

test('0 labels every project all', () => {
  const label = createProjectLabel(0);
  assert.deepEqual(['a', 'b'].map(label), ['all', 'all']);
});
