import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbErrors } from '@evh/db';
import { redisErrors } from '@evh/redis';
import { storageErrors } from '@evh/storage';
import { fileCheckFailure, fileMissing, jobFailureOf } from './job-failure.js';

const codeOf = (err: { code: string } | null) => err?.code ?? null;

test('a job fails, coded, for its file gone or storage or PostgreSQL down; not for Kafka or Redis', () => {
  const cases: [string, unknown, string | null][] = [
    ['object gone mid-read', storageErrors.OBJECT_NOT_FOUND('no object k'), 'FILE_MISSING'],
    ['storage down', storageErrors.STORAGE_UNAVAILABLE('object store: timeout'), 'STORAGE_UNAVAILABLE'],
    ['postgres down', dbErrors.DB_UNAVAILABLE('connection refused'), 'DB_UNAVAILABLE'],
    ['redis down', redisErrors.REDIS_UNAVAILABLE('redis unavailable'), null],
    ['kafka or anything uncoded', new Error('broker gone'), null],
  ];
  for (const [name, err, code] of cases) assert.equal(codeOf(jobFailureOf(err)), code, name);
  assert.equal(jobFailureOf(storageErrors.OBJECT_NOT_FOUND('no object k'))?.message, 'no object k');
});

test('a file that cannot be checked is STORAGE_UNAVAILABLE naming it; a file not there is FILE_MISSING', () => {
  const failure = fileCheckFailure('uploads/j/a.log', new Error('EACCES'));
  assert.equal(failure.code, 'STORAGE_UNAVAILABLE');
  assert.equal(failure.message, 'uploads/j/a.log: EACCES');
  assert.equal(fileCheckFailure('k', storageErrors.STORAGE_UNAVAILABLE('down')).message, 'down');
  assert.deepEqual(
    [fileMissing('k').code, fileMissing('k').message],
    ['FILE_MISSING', 'k is not in object storage'],
  );
});
