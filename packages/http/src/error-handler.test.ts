import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineErrors } from '@evh/lifecycle';
import Fastify from 'fastify';
import { errorHandler } from './error-handler.js';

/** An app whose one route throws `error`, answered by the shared error handler. */
async function answerTo(error: Error) {
  const app = Fastify();
  app.setErrorHandler(errorHandler);
  app.get('/', async () => {
    throw error;
  });
  const res = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  return { status: res.statusCode, retryAfter: res.headers['retry-after'], code: res.json().code };
}

const errno = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });

test('a coded 503 keeps its code, with Retry-After', async () => {
  const down = defineErrors({ REDIS_UNAVAILABLE: { status: 503, retriable: true } });
  assert.deepEqual(await answerTo(down.REDIS_UNAVAILABLE('redis unavailable')), {
    status: 503,
    retryAfter: '1',
    code: 'REDIS_UNAVAILABLE',
  });
});

const uncoded: [string, Error][] = [
  ['a refused connection', errno('ECONNREFUSED')],
  ['a timed-out connection', errno('ETIMEDOUT')],
  [
    'ioredis giving up',
    Object.assign(new Error('Reached the max retries'), { name: 'MaxRetriesPerRequestError' }),
  ],
  [
    'a retriable kafkajs error',
    Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError', retriable: true }),
  ],
];
for (const [what, error] of uncoded) {
  test(`${what}, uncoded, is a 503 DEPENDENCY_UNAVAILABLE with Retry-After, not a 500`, async () => {
    assert.deepEqual(await answerTo(error), { status: 503, retryAfter: '1', code: 'DEPENDENCY_UNAVAILABLE' });
  });
}

test('any other uncoded error stays a 500', async () => {
  assert.deepEqual(await answerTo(new TypeError('x is undefined')), {
    status: 500,
    retryAfter: undefined,
    code: 'INTERNAL',
  });
});

test("a client's aborted body (ECONNRESET with a 400 status) stays the client's error", async () => {
  const aborted = Object.assign(errno('ECONNRESET'), { statusCode: 400 });
  assert.equal((await answerTo(aborted)).status, 400);
});
