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
const commonResponses: Record<string, string> = {
  408: 'REQUEST_TIMEOUT: the request did not arrive within REQUEST_TIMEOUT_MS (an upload: under the minimum rate)',
  503: 'a dependency (Kafka, Redis, the object store) is unavailable: a coded error with Retry-After',
};

export function routeDoc(doc: RouteDoc): { schema: Record<string, unknown> } {
  const schema: Record<string, unknown> = { summary: doc.summary, tags: doc.tags ?? [] };
  if (doc.params) schema.params = jsonSchema(doc.params);
  if (doc.querystring) schema.querystring = jsonSchema(doc.querystring);
  if (doc.body) schema.body = jsonSchema(doc.body);
  // Every route of every service may answer these two (the slow-request guard, the error
  // handler's mapping of an unavailable dependency); a route's own wording comes first.
  const own = doc.responses ?? {};
  const success = Object.keys(own).some((code) => code.startsWith('2')) ? {} : { 200: 'OK' };
  const responses = { ...success, ...commonResponses, ...own };
  schema.response = Object.fromEntries(
    Object.entries(responses).map(([code, description]) => [code, { description, type: 'object' }]),
  );
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
