import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLuaHeader } from '@evh/redis';
import { jobScripts } from './job-scripts.js';

test('each job script’s header names the keys and arguments its call sites pass', () => {
  assert.equal(jobScripts.length, 5);
  assert.deepEqual(jobScripts.flatMap(checkLuaHeader), []);
});
