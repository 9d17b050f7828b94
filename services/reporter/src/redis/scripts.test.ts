import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLuaHeader } from '@evh/redis';
import { reporterScripts } from './scripts.js';

test('each reporter script’s header names the keys and arguments its call sites pass', () => {
  assert.ok(reporterScripts.length > 0);
  assert.deepEqual(reporterScripts.flatMap(checkLuaHeader), []);
});
