import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crashReportSchema } from '@evh/events';
import { eventToCrash, severityOf } from './event-to-crash.js';

test('a Sentry exception event becomes our crash: message, frames innermost first, metadata', () => {
  const crash = eventToCrash(
    {
      event_id: 'AB12CD34AB12CD34AB12CD34AB12CD34',
      level: 'fatal',
      platform: 'node',
      release: 'shop@1.2.3',
      environment: 'prod',
      tags: { plan: 'pro' },
      user: { id: 42, email: 'a@b.c' },
      sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
      exception: {
        values: [
          {
            type: 'TypeError',
            value: 'cause',
            stacktrace: { frames: [{ filename: 'cause.js', function: 'c', lineno: 1 }] },
          },
          {
            type: 'Error',
            value: 'boom',
            stacktrace: {
              frames: [
                { module: 'node:internal', function: 'run', in_app: false },
                { abs_path: '/srv/app.js', function: 'main', lineno: 10, in_app: true },
                { filename: 'lib.js', lineno: 5, in_app: true },
              ],
            },
          },
        ],
      },
    },
    'shop',
  );
  assert.equal(crash.eventId, 'ab12cd34ab12cd34ab12cd34ab12cd34');
  assert.equal(crash.severity, 'error');
  assert.equal(crash.message, 'Error: boom');
  assert.deepEqual(crash.stacktrace, [
    { file: 'lib.js', method: '<anonymous>', line: 5, inApp: true },
    { file: '/srv/app.js', method: 'main', line: 10, inApp: true },
    { file: 'node:internal', method: 'run', inApp: false },
    { file: 'cause.js', method: 'c', line: 1 },
  ]);
  assert.deepEqual(crash.metadata.tags, { plan: 'pro', fatal: 'true' });
  assert.equal(crash.metadata.release, 'shop@1.2.3');
  assert.equal(crash.metadata.level, 'fatal');
  assert.equal(crash.userId, '42');
  assert.ok(crashReportSchema.safeParse(crash).success);
});

test('messages: message, logentry.formatted, or a placeholder; tags as pairs; levels', () => {
  assert.equal(eventToCrash({ message: 'hello' }, 'p').message, 'hello');
  assert.equal(eventToCrash({ logentry: { formatted: 'from log' } }, 'p').message, 'from log');
  assert.equal(eventToCrash({ message: { formatted: 'fmt' } }, 'p').message, 'fmt');
  assert.equal(eventToCrash({}, 'p').message, '<no message>');
  assert.deepEqual(eventToCrash({ tags: [['a', 'b']] }, 'p').metadata.tags, { a: 'b' });
  assert.match(eventToCrash({}, 'p').eventId, /^[0-9a-f]{32}$/);
  assert.equal(
    eventToCrash({}, 'p', '0123456789abcdef0123456789abcdef').eventId,
    '0123456789abcdef0123456789abcdef',
  );
  assert.deepEqual(
    ['debug', 'info', 'warning', 'error', 'fatal', undefined].map((l) => severityOf(l).severity),
    ['info', 'info', 'warning', 'error', 'error', 'error'],
  );
  const long = eventToCrash({ message: 'x'.repeat(10_000) }, 'p');
  assert.ok(crashReportSchema.safeParse(long).success);
});
