/**
 * Serves the built front end (`web/dist`) beside the API: files by path, `index.html` for every other
 * GET that is not under `/api` (the browser's own routes). Hashed assets are cached for a year; the
 * page itself is never cached, so a new build is picked up at the next load.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** The front end built by `npm run build:web`, when it is there. */
export function defaultWebDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

export function staticRoutes(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  const files = new Map<string, { body: Buffer; type: string }>();
  function file(path: string): { body: Buffer; type: string } | undefined {
    const known = files.get(path);
    if (known !== undefined) return known;
    const full = normalize(join(root, path));
    if (!full.startsWith(root + sep) || !existsSync(full) || !statSync(full).isFile()) return undefined;
    const entry = { body: readFileSync(full), type: TYPES[extname(full)] ?? 'application/octet-stream' };
    if (path.startsWith('/assets/')) files.set(path, entry);
    return entry;
  }
  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent((request.url.split('?')[0] ?? '/').replace(/\/+$/, '')) || '/';
    if (path.startsWith('/api/') || path === '/api') {
      return reply.callNotFound();
    }
    const found = path === '/' ? undefined : file(path);
    if (found !== undefined) {
      void reply.header(
        'cache-control',
        path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return reply.type(found.type).send(found.body);
    }
    const index = file('/index.html');
    if (index === undefined) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').type(index.type).send(index.body);
  });
}
