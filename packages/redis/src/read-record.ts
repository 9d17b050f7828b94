import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { RecordField, RecordFields, RedisRecord } from './define-record.js';

/**
 * The record stored at `key`, read whole and parsed by its schema; null when there is none.
 * Readers go through this (or readRecordFields), never through a bare HGETALL and casts.
 */
export async function readRecord<S extends z.ZodRawShape>(
  redis: Redis,
  record: RedisRecord<S>,
  key: string,
): Promise<z.output<z.ZodObject<S>> | null> {
  return record.parse(await redis.hgetall(key), key);
}

/** Some fields of the record at `key` (one HMGET), parsed, with their defaults when absent. */
export async function readRecordFields<S extends z.ZodRawShape, F extends RecordField<S>>(
  redis: Redis,
  record: RedisRecord<S>,
  key: string,
  names: readonly F[],
): Promise<RecordFields<S, F>> {
  return record.parseFields(names, await redis.hmget(key, ...names), key);
}
