import { type CodedError, isCodedError } from '@evh/lifecycle';
import { storageErrors } from '@evh/storage';
import { consumerErrors } from '../errors.js';

/**
 * The coded failure a job ends with for an error met while reading its file, or null when
 * the error is not the job's end: Kafka or Redis trouble leaves the job processing, and the
 * job message is delivered again. A job fails when its file is gone (FILE_MISSING), or when
 * object storage or PostgreSQL stayed unavailable through their retries. The code is stored
 * in the job record's own field (fail-job.lua), so nothing downstream parses a message.
 */
export function jobFailureOf(err: unknown): CodedError | null {
  if (!isCodedError(err)) return null;
  if (err.code === 'OBJECT_NOT_FOUND') return consumerErrors.FILE_MISSING(err.message, { cause: err });
  if (err.code === 'STORAGE_UNAVAILABLE' || err.code === 'DB_UNAVAILABLE') return err;
  return null;
}

/** The failure of a job whose file's size could not be read, through the storage retries. */
export function fileCheckFailure(key: string, err: unknown): CodedError {
  return (
    jobFailureOf(err) ??
    storageErrors.STORAGE_UNAVAILABLE(`${key}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    })
  );
}

/** The failure of a job whose file is not in object storage at all. */
export function fileMissing(key: string): CodedError {
  return consumerErrors.FILE_MISSING(`${key} is not in object storage`);
}
