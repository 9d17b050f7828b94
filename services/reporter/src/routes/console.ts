import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findPackageRoot } from '@evh/paths';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The console's files: index.html written by hand, app.js and app.css built by esbuild (ADR 0014). */
const dir = join(findPackageRoot(import.meta.url), 'src', 'web', 'console');

interface Asset {
  type: string;
  raw: Buffer;
  gzip: Buffer;
  etag: string;
}

function asset(type: string, body: string | Buffer): Asset {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    type,
    raw,
    // Compressed once at start-up: every browser asks for gzip, and the bundle never changes
    // while the process runs.
    gzip: gzipSync(raw, { level: 9 }),
    etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}"`,
  };
}

/** The console's three files, the ingest's address written into the page. */
export function consoleAssets(ingestUrl: string): Record<string, Asset> {
  // An attribute value, escaped: the console reads it from the body's dataset.
  const escaped = ingestUrl.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const page = readFileSync(join(dir, 'index.html'), 'utf8').replace('__INGEST_URL__', escaped);
  return {
    '/': asset('text/html; charset=utf-8', page),
    '/console/app.js': asset('text/javascript; charset=utf-8', readFileSync(join(dir, 'app.js'))),
    '/console/app.css': asset('text/css; charset=utf-8', readFileSync(join(dir, 'app.css'))),
  };
}

function send(req: FastifyRequest, reply: FastifyReply, a: Asset) {
  // Revalidated on every load (a new version of the reporter serves a new bundle at once);
  // an unchanged file costs a 304.
  reply.header('cache-control', 'no-cache').header('etag', a.etag).header('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
  reply.type(a.type);
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(a.gzip);
  }
  return reply.send(a.raw);
}

/**
 * `GET /`: the web console, a single page that works only through this reporter's API (the
 * upload, the one write, goes to the ingest). Open: it holds no data; signing in happens in it.
 */
export function registerConsole(app: FastifyInstance, ingestUrl: string): void {
  const assets = consoleAssets(ingestUrl);
  for (const [path, a] of Object.entries(assets)) {
    app.get(
      path,
      { config: { auth: 'open' }, schema: { hide: true } as Record<string, unknown> },
      (req, reply) => send(req, reply, a),
    );
  }
}
