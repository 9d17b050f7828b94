import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

export interface RouteDoc {
  summary: string;
  tags?: string[];
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Status code -> description (bodies are described in prose, not schemas). */
  responses?: Record<number, string>;
}

/** A zod schema as the JSON Schema an OpenAPI document embeds (what the input accepts). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

/**
 * Route options whose `schema` documents the route from the same zod schemas the handler
 * validates with, so the OpenAPI document cannot drift from the validation.
 */
export function routeDoc(doc: RouteDoc): { schema: Record<string, unknown> } {
  const schema: Record<string, unknown> = { summary: doc.summary, tags: doc.tags ?? [] };
  if (doc.params) schema.params = jsonSchema(doc.params);
  if (doc.querystring) schema.querystring = jsonSchema(doc.querystring);
  if (doc.body) schema.body = jsonSchema(doc.body);
  if (doc.responses) {
    schema.response = Object.fromEntries(
      Object.entries(doc.responses).map(([code, description]) => [code, { description, type: 'object' }]),
    );
  }
  return { schema };
}

/**
 * Route schemas are documentation here: requests are validated by zod in the handlers (one
 * schema, our error format), so Fastify's own validation and response serialization by
 * schema are switched off.
 */
export function useZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(() => (value) => ({ value }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
