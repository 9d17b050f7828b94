import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineErrors } from '@evh/lifecycle';
import { redisErrors } from '@evh/redis';
import { asInfrastructureError, consumerErrors } from './errors.js';

const other = defineErrors({
  KAFKA_UNAVAILABLE: { status: 503, retriable: true },
  OBJECT_NOT_FOUND: { status: 404, retriable: false },
});

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

test('infrastructure failures are told apart from the event’s own, by code', () => {
  const cases: [string, unknown, string | undefined][] = [
    [
      '@evh/redis fail-fast',
      redisErrors.REDIS_UNAVAILABLE('redis unavailable: the connection is reconnecting'),
      'REDIS_UNAVAILABLE',
    ],
    ['kafka down', other.KAFKA_UNAVAILABLE('no broker'), 'KAFKA_UNAVAILABLE'],
    ['lock lost', consumerErrors.LOCK_LOST('e1'), 'LOCK_LOST'],
    ['stopping', consumerErrors.SHUTTING_DOWN('bye'), 'SHUTTING_DOWN'],
    [
      'ioredis retries exhausted',
      named('MaxRetriesPerRequestError', 'Reached the max retries per request limit'),
      'REDIS_UNAVAILABLE',
    ],
    ['ioredis closed', new Error('Connection is closed.'), 'REDIS_UNAVAILABLE'],
    [
      'ioredis offline queue off',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'REDIS_UNAVAILABLE',
    ],
    ['ioredis commandTimeout', new Error('Command timed out'), 'REDIS_UNAVAILABLE'],
    [
      'socket',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      'REDIS_UNAVAILABLE',
    ],
    [
      'AOF loading',
      named('ReplyError', 'LOADING Redis is loading the dataset in memory'),
      'REDIS_UNAVAILABLE',
    ],
    ['processing', consumerErrors.PROCESSING_FAILED('payload.fail is true'), undefined],
    ['invalid', consumerErrors.INVALID_MESSAGE('bad'), undefined],
    ['a coded error of another kind', other.OBJECT_NOT_FOUND('gone'), undefined],
    ['a script error', named('ReplyError', 'ERR Error running script: attempt to compare nil'), undefined],
    ['a plain bug', new TypeError('x is undefined'), undefined],
    ['not an error', 'boom', undefined],
  ];
  for (const [what, err, code] of cases) assert.equal(asInfrastructureError(err)?.code, code, what);
});

test('a raw ioredis error keeps its cause', () => {
  const raw = new Error('Connection is closed.');
  assert.equal(asInfrastructureError(raw)?.cause, raw);
});
