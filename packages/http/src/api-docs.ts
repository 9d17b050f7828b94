import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export interface ApiDocsOptions {
  title: string;
  description: string;
  version: string;
}

/**
 * OpenAPI 3 document at /openapi.json and Swagger UI at /docs, built from the routes' zod
 * schemas (see routeDoc). Must be registered before the routes it documents.
 */
export async function registerApiDocs(app: FastifyInstance, options: ApiDocsOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: options.title, description: options.description, version: options.version },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } as Record<string, unknown> }, async () => app.swagger());
}
