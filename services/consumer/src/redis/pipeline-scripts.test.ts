import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLuaHeader } from '@evh/redis';
import { pipelineScripts } from './pipeline-scripts.js';

test('each pipeline script’s header names the keys and arguments its call sites pass', () => {
  assert.equal(pipelineScripts.length, 6);
  assert.deepEqual(pipelineScripts.flatMap(checkLuaHeader), []);
});
