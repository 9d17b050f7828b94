import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLuaHeader } from '@evh/redis';
import { crashLuaScripts } from './crash-scripts.js';

test('each crash script’s header names the keys and arguments its call sites pass', () => {
  assert.ok(crashLuaScripts.length > 0);
  assert.deepEqual(crashLuaScripts.flatMap(checkLuaHeader), []);
});
