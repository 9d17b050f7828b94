import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const template = readFileSync(new URL('../../../src/web/upload-page.html', import.meta.url), 'utf8');

/** `GET /`: a page to upload a file, watch its job live and read its summary. */
export function registerUploadPage(app: FastifyInstance, ingestUrl: string): void {
  // An attribute value, escaped: the page's script reads it from the body's dataset.
  const escaped = ingestUrl.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const page = template.replace('__INGEST_URL__', escaped);
  app.get(
    '/',
    { config: { auth: 'open' }, schema: { hide: true } as Record<string, unknown> },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(page),
  );
}
