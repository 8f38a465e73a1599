import type { FastifyInstance } from 'fastify';

/**
 * No text field anywhere may hold a NUL character: PostgreSQL cannot store one in text and
 * answers with an error (a 500 here), SQLite would keep a string that C tools cut short, and
 * no vendor API has a use for it. Checked once, for every route, before validation.
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where = findNul(request.query, 'query') ?? findNul(request.params, 'path') ?? findNul(request.body, 'body');
    if (where) throw Object.assign(new Error(`${where} holds a NUL character, which is not allowed`), { statusCode: 400 });
  });
}

/** Where in `value` (a parsed query, path or body) a string or key holds U+0000, if anywhere. */
export function findNul(value: unknown, where: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? where : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  // Only parsed JSON, forms and queries: a streamed body (an upload) is an object graph reaching
  // the socket and the server, which a walk would take for ever to cover.
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const hit = findNul(item, where, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `a field name in the ${where}`;
    const hit = findNul(item, `${where} field "${key}"`, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}
