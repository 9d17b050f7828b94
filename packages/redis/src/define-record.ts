import { z } from 'zod';
import { redisErrors } from './create-redis.js';

type Shape = z.ZodRawShape;

/** The names of a record's fields. */
export type RecordField<S extends Shape> = keyof S & string;

/** The field names of a record. */
export type FieldOf<R> = R extends RedisRecord<infer S> ? RecordField<S> : never;

/** Some fields of a record, typed (Pick, for field names known only as a type parameter). */
export type RecordFields<S extends Shape, F extends string> = {
  [K in F & keyof z.output<z.ZodObject<S>>]: z.output<z.ZodObject<S>>[K];
};

/** A record as its readers get it: every field typed, defaults applied. */
export type RecordOf<R> = R extends RedisRecord<infer S> ? z.output<z.ZodObject<S>> : never;

/**
 * What a writer may give a field: the stored text, or a number where the stored text is one
 * (ioredis sends numbers as their decimal text). Fields with a fixed set of values (a status)
 * take only those values.
 */
type WriteValue<T> = string extends T ? string | number : T extends `${infer N extends number}` ? T | N : T;

/** The fields a writer sets in one HSET: only the record's own names, each with a fitting value. */
export type RecordWrite<R> =
  R extends RedisRecord<infer S>
    ? { [K in keyof z.input<z.ZodObject<S>>]?: WriteValue<Exclude<z.input<z.ZodObject<S>>[K], undefined>> }
    : never;

export interface RedisRecordSpec<S extends Shape> {
  /** What the record is, in error messages: `job`, `issue`, … */
  name: string;
  schema: z.ZodObject<S>;
  /**
   * The field every real record has. A hash without it is no record: what a late HINCRBY
   * left behind after the record expired. Its readers see it as absent, as they would an
   * empty hash.
   */
  identity?: RecordField<S>;
  /**
   * Matches how a Lua script's header names this record's key (the first word after
   * `-- KEYS[n]`, e.g. `job:{id}`): how the field check finds the calls on the record.
   */
  headerKey: RegExp;
}

export interface RedisRecord<S extends Shape> {
  readonly name: string;
  readonly schema: z.ZodObject<S>;
  readonly fields: readonly RecordField<S>[];
  readonly identity?: RecordField<S>;
  readonly headerKey: RegExp;
  /**
   * The record stored at `key` (HGETALL's reply), or null when there is none. A field whose
   * value does not fit is RECORD_INVALID, naming the key and the field: never a guess.
   */
  parse(hash: Record<string, string>, key: string): z.output<z.ZodObject<S>> | null;
  /** The named fields only (an HMGET's values, absent ones null), with their defaults. */
  parseFields<F extends RecordField<S>>(
    names: readonly F[],
    values: readonly (string | null)[],
    key: string,
  ): RecordFields<S, F>;
}

// biome-ignore lint/suspicious/noExplicitAny: any shape, for lists of records
export type AnyRedisRecord = RedisRecord<any>;

function invalid(name: string, key: string, error: z.ZodError): Error {
  const issues = error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
  return redisErrors.RECORD_INVALID(`the ${name} record ${key} is corrupt: ${issues.join('; ')}`, {
    details: { key, record: name, issues },
  });
}

/** One stored hash's schema, with the parse every reader of it goes through. */
export function defineRecord<S extends Shape>(spec: RedisRecordSpec<S>): RedisRecord<S> {
  const { name, schema, identity, headerKey } = spec;
  const fields = Object.keys(schema.shape) as RecordField<S>[];
  return {
    name,
    schema,
    fields,
    ...(identity ? { identity } : {}),
    headerKey,
    parse(hash, key) {
      if (Object.keys(hash).length === 0) return null;
      if (identity && hash[identity] === undefined) return null;
      const r = schema.safeParse(hash);
      if (!r.success) throw invalid(name, key, r.error);
      return r.data;
    },
    parseFields(names, values, key) {
      const hash: Record<string, string> = {};
      names.forEach((n, i) => {
        const v = values[i];
        if (v !== null && v !== undefined) hash[n] = v;
      });
      // The named fields' own schemas: the other fields are not read, so not required.
      const some = z.object(Object.fromEntries(names.map((n) => [n, schema.shape[n] as z.ZodType])));
      const r = some.safeParse(hash);
      if (!r.success) throw invalid(name, key, r.error);
      return r.data as RecordFields<S, (typeof names)[number]>;
    },
  };
}

/** HGETALL's reply inside a Lua script's reply (a flat field, value, … list) as a hash. */
export function hashOfPairs(flat: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}
