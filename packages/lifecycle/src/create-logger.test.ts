import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './create-logger.js';

test('redactUrl drops the values of credential parameters, and only those', () => {
  assert.equal(
    redactUrl('/api/1/envelope/?sentry_key=evhi_abc&sentry_version=7'),
    '/api/1/envelope/?sentry_key=[redacted]&sentry_version=7',
  );
  assert.equal(redactUrl('/ws/jobs/x?token=evhr_1'), '/ws/jobs/x?token=[redacted]');
  assert.equal(redactUrl('/v1/projects/a/search?q=token'), '/v1/projects/a/search?q=token');
});
