import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint, issueTitle } from './fingerprint.js';

test('grouping uses the in-app frames when a report marks any, and all frames otherwise', () => {
  const app = { file: 'app.js', method: 'handler', line: 3, inApp: true };
  const libV1 = { file: 'node_modules/lib/v1.js', method: 'call', line: 10, inApp: false };
  const libV2 = { file: 'node_modules/lib/v2.js', method: 'invoke', line: 99, inApp: false };
  const a = { message: 'x', stacktrace: [libV1, app] };
  const b = { message: 'x', stacktrace: [libV2, app] };
  assert.equal(fingerprint(a), fingerprint(b), 'library frames do not split the group');
  assert.equal(issueTitle(a).culprit, 'handler (app.js)');
  const plain = (s: typeof a) => ({ message: 'x', stacktrace: s.stacktrace.map(({ inApp: _, ...f }) => f) });
  assert.notEqual(fingerprint(plain(a)), fingerprint(plain(b)), 'without the flag every frame counts');
});

test('anonymous frames are told apart by their source line, else their line number', () => {
  const top = (context: string | undefined, line: number) => ({
    message: 'x',
    stacktrace: [{ file: 'main.js', method: '?', line, ...(context ? { context } : {}) }],
  });
  assert.notEqual(fingerprint(top('capture()', 3)), fingerprint(top('reject()', 3)));
  assert.equal(
    fingerprint(top('capture()', 3)),
    fingerprint(top('capture()', 9)),
    'moved, same line of code',
  );
  assert.notEqual(fingerprint(top(undefined, 3)), fingerprint(top(undefined, 4)));
  const named = (line: number) => ({ message: 'x', stacktrace: [{ file: 'main.js', method: 'run', line }] });
  assert.equal(fingerprint(named(3)), fingerprint(named(4)), 'named frames group without their line');
});
