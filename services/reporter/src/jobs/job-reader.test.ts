import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileFormatSchema, jobStatusSchema, jobViewSchema } from '@evh/events';
import { isCodedError } from '@evh/lifecycle';
import { JOB_RECORD_FORMATS, JOB_RECORD_STATUSES, jobRecord } from '@evh/redis';
import { toJobView } from './job-reader.js';

const key = 'job:{j1}';
const stored = {
  id: 'j1',
  fileName: 'a.log',
  format: 'payment-log',
  size: '200',
  projectId: '',
  storageKey: 'uploads/j1/a.log',
  status: 'processing',
  createdAt: '1700000000000',
  startedAt: '1700000001000',
  percent: '40',
  bytesRead: '100',
  linesRead: '5',
  valid: '4',
  invalid: '1',
  processed: '2',
};

const parse = (hash: Record<string, string>) => {
  const job = jobRecord.parse(hash, key);
  assert.ok(job);
  return job;
};

test('the job record allows exactly the statuses and formats the API has', () => {
  assert.deepEqual([...JOB_RECORD_STATUSES], jobStatusSchema.options);
  assert.deepEqual([...JOB_RECORD_FORMATS], fileFormatSchema.options);
});

test('a job record becomes the view jobViewSchema describes', () => {
  const view = toJobView(parse(stored));
  assert.deepEqual(jobViewSchema.parse(view), view);
  assert.equal(view.project_id, null);
  assert.equal(view.created_at, '2023-11-14T22:13:20.000Z');
  assert.equal(view.finished_at, null);
  assert.deepEqual(view.progress, {
    percent: 40,
    bytes_read: 100,
    lines_read: 5,
    valid: 4,
    invalid: 1,
    processed: 2,
  });
});

test('a queued job written by the ingest alone reads with every count 0', () => {
  const { id, fileName, format, size, projectId, storageKey, status, createdAt } = stored;
  const view = toJobView(parse({ id, fileName, format, size, projectId, storageKey, status, createdAt }));
  assert.deepEqual(view.progress, {
    percent: 0,
    bytes_read: 0,
    lines_read: 0,
    valid: 0,
    invalid: 0,
    processed: 0,
  });
});

test("a failed job's error is `CODE: message`, as before the code had a field; one from before reads as it was", () => {
  const coded = {
    ...stored,
    status: 'failed',
    errorCode: 'FILE_MISSING',
    error: 'uploads/j1/a.log is not in object storage',
  };
  assert.equal(toJobView(parse(coded)).error, 'FILE_MISSING: uploads/j1/a.log is not in object storage');
  const legacy = { ...stored, status: 'failed', error: 'FILE_MISSING: gone' };
  assert.equal(toJobView(parse(legacy)).error, 'FILE_MISSING: gone');
});

test('no hash, or a remnant without the id (a late count after expiry), is no job', () => {
  assert.equal(jobRecord.parse({}, key), null);
  assert.equal(jobRecord.parse({ processed: '3', percent: '10' }, key), null);
});

test('a corrupt field is RECORD_INVALID naming the key and the field, not a NaN in the view', () => {
  for (const [field, value] of [
    ['size', 'lots'],
    ['status', 'exploded'],
    ['percent', '4.5'],
  ] as const) {
    assert.throws(
      () => jobRecord.parse({ ...stored, [field]: value }, key),
      (err: unknown) =>
        isCodedError(err) &&
        err.code === 'RECORD_INVALID' &&
        err.message.includes(key) &&
        err.message.includes(field),
      field,
    );
  }
});
