import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError, defineErrors, isCodedError, isRetriable } from './coded-error.js';

const errors = defineErrors({
  NOT_FOUND: { status: 404, retriable: false },
  UPSTREAM_DOWN: { status: 503, retriable: true },
});

describe('defineErrors', () => {
  it('makes one factory per code with that code’s status and retriable', () => {
    assert.deepEqual(Object.keys(errors).sort(), ['NOT_FOUND', 'UPSTREAM_DOWN']);
    const cases = [
      { err: errors.NOT_FOUND('no such event'), code: 'NOT_FOUND', status: 404, retriable: false },
      { err: errors.UPSTREAM_DOWN('kafka is away'), code: 'UPSTREAM_DOWN', status: 503, retriable: true },
    ];
    for (const { err, code, status, retriable } of cases) {
      assert.ok(err instanceof CodedError, code);
      assert.ok(err instanceof Error, code);
      assert.equal(err.name, 'CodedError');
      assert.equal(err.code, code);
      assert.equal(err.status, status, code);
      assert.equal(err.retriable, retriable, code);
      assert.equal(err.details, undefined);
      assert.equal('cause' in err, false, `${code}: no cause was given, so none is set`);
    }
    assert.equal(errors.NOT_FOUND('no such event').message, 'no such event');
  });

  it('keeps the cause and the details', () => {
    const cause = new Error('ECONNREFUSED');
    const err = errors.UPSTREAM_DOWN('kafka is away', { cause, details: { broker: '127.0.0.1:9092' } });
    assert.equal(err.cause, cause);
    assert.deepEqual(err.details, { broker: '127.0.0.1:9092' });
  });

  it('makes a new error on each call', () => {
    assert.notEqual(errors.NOT_FOUND('a'), errors.NOT_FOUND('a'));
  });
});

describe('isCodedError and isRetriable', () => {
  it('tells coded errors from others', () => {
    assert.equal(isCodedError(errors.NOT_FOUND('x')), true);
    assert.equal(isCodedError(new Error('x')), false);
    assert.equal(isCodedError({ code: 'NOT_FOUND', status: 404, retriable: false }), false);
  });

  it('follows the code’s spec, and treats an unknown failure as transient', () => {
    const cases: [string, unknown, boolean][] = [
      ['retriable code', errors.UPSTREAM_DOWN('x'), true],
      ['non-retriable code', errors.NOT_FOUND('x'), false],
      ['plain Error', new Error('x'), true],
      ['a look-alike object is not trusted', { retriable: false }, true],
      ['a thrown string', 'boom', true],
      ['undefined', undefined, true],
    ];
    for (const [what, err, expected] of cases) assert.equal(isRetriable(err), expected, what);
  });
});

it('keeps no stack for a 4xx (an answer, flooded at times), and keeps one for a 5xx', () => {
  const coded = defineErrors({
    TOO_MANY: { status: 429, retriable: false },
    BROKEN: { status: 500, retriable: true },
  });
  const limit = Error.stackTraceLimit;
  const answer = coded.TOO_MANY('slow down');
  assert.doesNotMatch(answer.stack ?? '', /\n\s+at /);
  assert.match(answer.stack ?? '', /slow down/);
  const fault = coded.BROKEN('oops');
  assert.match(fault.stack ?? '', /\n\s+at /);
  assert.equal(Error.stackTraceLimit, limit, 'the limit is put back');
});
