import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLuaHeader } from '@evh/redis';
import { ingestScripts } from './scripts.js';

test('each ingest script’s header names the keys and arguments its call sites pass', () => {
  assert.ok(ingestScripts.length > 0);
  assert.deepEqual(ingestScripts.flatMap(checkLuaHeader), []);
});
