import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLuaHeader } from '@evh/redis';
import { controllerScripts } from './scripts.js';

test('each controller script’s header names the keys and arguments its call sites pass', () => {
  assert.ok(controllerScripts.length > 0);
  assert.deepEqual(controllerScripts.flatMap(checkLuaHeader), []);
});
