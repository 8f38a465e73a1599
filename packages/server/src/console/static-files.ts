import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build -w packages/console` writes the app. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A policy that allows nothing but this origin: the app fetches nothing from elsewhere. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The built console, read into memory once (a few files): a path is looked up in a map, so no
 * request can name a file outside the build. Any other path under /console answers the app
 * (client-side routes). Without a build the console answers 503 saying how to build it.
 */
export function registerConsoleStatic(app: FastifyInstance, dist = CONSOLE_DIST): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set('/' + path.relative(dist, full).split(path.sep).join('/'), { body: fs.readFileSync(full), type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream' });
    }
  };
  if (fs.existsSync(path.join(dist, 'index.html'))) walk(dist);
  const index = files.get('/index.html');

  const serve = async (url: string, reply: import('fastify').FastifyReply) => {
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    if (!index) return reply.code(503).type('text/plain').send('the console is not built; run `npm run build -w packages/console`');
    const file = files.get(url);
    if (file && url !== '/index.html') {
      // Asset names carry a content hash.
      return reply.header('cache-control', url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache').type(file.type).send(file.body);
    }
    return reply.header('cache-control', 'no-cache').type(index.type).send(index.body);
  };
  app.get('/console', { config: { rateLimit: false } }, async (_request, reply) => serve('/', reply));
  app.get('/console/*', { config: { rateLimit: false } }, async (request, reply) => serve('/' + ((request.params as Record<string, string>)['*'] ?? '').split('?')[0], reply));
}
