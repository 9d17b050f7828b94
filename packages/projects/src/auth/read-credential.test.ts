import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { readCredential } from './read-credential.js';

const req = (headers: Record<string, string>, query: Record<string, string> = {}) =>
  ({ headers, query }) as unknown as FastifyRequest;

test('readCredential: every place clients put a key', () => {
  assert.equal(readCredential(req({ authorization: 'Bearer k1' })), 'k1');
  assert.equal(readCredential(req({ 'x-evh-key': ' k2 ' })), 'k2');
  assert.equal(
    readCredential(req({ 'x-sentry-auth': 'Sentry sentry_version=7, sentry_client=x/1, sentry_key=k3' })),
    'k3',
  );
  assert.equal(readCredential(req({ authorization: 'Sentry sentry_key=k4,sentry_version=7' })), 'k4');
  assert.equal(readCredential(req({}, { sentry_key: 'k5', sentry_version: '7' })), 'k5');
  assert.equal(readCredential(req({}, { token: 'k6' })), 'k6');
  assert.equal(readCredential(req({ authorization: 'Basic eDp5' })), undefined);
  assert.equal(readCredential(req({ 'x-evh-key': '' })), undefined);
  assert.equal(readCredential(req({ 'x-sentry-auth': 'Sentry sentry_version=7' })), undefined);
});
