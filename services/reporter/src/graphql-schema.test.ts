import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobViewSchema } from '@evh/events';
import {
  buildSchema,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLScalarType,
} from 'graphql';
import { z } from 'zod';
import { jobSchema } from './graphql-schema.js';

/** The GraphQL scalars a zod type may be shown as: sizes are Float (over 2^31 bytes fit). */
const SCALARS: Record<string, string[]> = {
  string: ['String', 'ID'],
  enum: ['String'],
  number: ['Int', 'Float'],
  boolean: ['Boolean'],
};

/** How a GraphQL type disagrees with a zod schema, at `path`. */
function compare(path: string, zod: z.ZodType, gql: GraphQLOutputType): string[] {
  const nullable = zod instanceof z.ZodNullable;
  if (gql instanceof GraphQLNonNull === nullable) {
    return [`${path}: ${nullable ? 'nullable' : 'required'} in jobViewSchema, not in the GraphQL type`];
  }
  const inner = nullable ? (zod.unwrap() as z.ZodType) : zod;
  const type = gql instanceof GraphQLNonNull ? gql.ofType : gql;
  if (inner instanceof z.ZodObject) {
    if (!(type instanceof GraphQLObjectType))
      return [`${path}: an object in jobViewSchema, ${type} in GraphQL`];
    return compareObject(path, inner, type);
  }
  if (type instanceof GraphQLList || !(type instanceof GraphQLScalarType)) {
    return [`${path}: ${inner.def.type} in jobViewSchema, ${type} in GraphQL`];
  }
  const allowed = SCALARS[inner.def.type] ?? [];
  return allowed.includes(type.name)
    ? []
    : [`${path}: ${inner.def.type} in jobViewSchema, ${type.name} in GraphQL`];
}

function compareObject(path: string, zod: z.ZodObject, gql: GraphQLObjectType): string[] {
  const fields = gql.getFields();
  const shape = zod.shape as Record<string, z.ZodType>;
  const missing = Object.keys(shape)
    .filter((k) => !fields[k])
    .map((k) => `${path}.${k}: in jobViewSchema, not in the GraphQL type`);
  const extra = Object.keys(fields)
    .filter((k) => !shape[k])
    .map((k) => `${path}.${k}: in the GraphQL type, not in jobViewSchema`);
  const typed = Object.entries(shape).flatMap(([k, s]) => {
    const field = fields[k];
    return field ? compare(`${path}.${k}`, s, field.type) : [];
  });
  return [...missing, ...extra, ...typed];
}

test('the GraphQL Job type has the fields of jobViewSchema, with the same nullability and fitting scalars', () => {
  const job = buildSchema(jobSchema).getType('Job');
  assert.ok(job instanceof GraphQLObjectType);
  assert.deepEqual(compareObject('Job', jobViewSchema, job), []);
});

test('the comparison sees a field that drifted', () => {
  const drifted = jobViewSchema.extend({ error: z.string(), extra: z.number() });
  const job = buildSchema(jobSchema).getType('Job') as GraphQLObjectType;
  assert.deepEqual(compareObject('Job', drifted, job), [
    'Job.extra: in jobViewSchema, not in the GraphQL type',
    'Job.error: required in jobViewSchema, not in the GraphQL type',
  ]);
});
