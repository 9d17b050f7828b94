import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COPY_NULL, copyField, copyJson } from './copy-text.js';

test('copyField leaves plain text alone and escapes what COPY reads as structure', () => {
  assert.equal(copyField('Payment processed successfully.'), 'Payment processed successfully.');
  assert.equal(copyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  assert.equal(copyField('nul\u0000here'), 'nul\uFFFDhere');
  assert.equal(copyField(null), COPY_NULL);
  assert.equal(copyField(undefined), COPY_NULL);
  // A field that is literally \N is data, not NULL: its backslash is escaped.
  assert.equal(copyField('\\N'), '\\\\N');
});

test('copyJson writes jsonb text without the escape jsonb refuses', () => {
  assert.equal(copyJson(undefined), COPY_NULL);
  assert.equal(copyJson({ amount: 12.5, tags: ['a'] }), '{"amount":12.5,"tags":["a"]}');
  assert.equal(copyJson({ s: 'x\u0000y' }), '{"s":"x\\\\ufffdy"}');
  // A newline inside a JSON string is already \n in JSON; its backslash is escaped for COPY.
  assert.equal(copyJson({ s: 'a\nb' }), '{"s":"a\\\\nb"}');
});
