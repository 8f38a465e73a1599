import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { operations, type Operation } from '@riposte/spec';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';

/**
 * Walks the registry: every Falcon operation, fed malformed input, answers a 4xx in the Falcon
 * envelope — never a 5xx, a stack trace or a hang.
 */
const falconOps = operations.filter((op) => op.dialect === 'falcon' && op.scope !== null);

function concretePath(op: Operation): string {
  return op.path.replace(/:([a-z_]+)/g, 'x');
}

function expectClientError(res: { status: number; body: any; text: string }, what: string) {
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status !== 431) {
    expect(res.body?.errors?.[0]?.code, what).toBe(res.status);
    expect(res.body.meta.trace_id, what).toBeTruthy();
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  }
}

describe('bad input on every Falcon operation', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer();
    token = await t.token();
    await seedHosts(t.server.core, 3);
  });
  afterAll(() => t.close());

  const call = (op: Operation, query: string, init: { body?: string; contentType?: string; token?: string | null } = {}) =>
    t.api(op.method, `${concretePath(op)}${query}`, {
      token: init.token === null ? undefined : (init.token ?? token),
      ...(init.body !== undefined ? { body: init.body, headers: { 'content-type': init.contentType ?? 'application/json' } } : {}),
    });

  it('every operation refuses a missing token with 401', async () => {
    for (const op of falconOps) {
      const res = await call(op, '', { token: null });
      expect(res.status, op.operationId).toBe(401);
    }
  });

  it('every operation refuses unknown query parameters', async () => {
    for (const op of falconOps) {
      const res = await call(op, '?no_such_parameter=1', op.body ? { body: '{}' } : {});
      expectClientError(res, op.operationId);
    }
  });

  it('operations with a body refuse malformed JSON, wrong types, missing fields, non-UTF-8 and huge values', async () => {
    for (const op of falconOps.filter((o) => o.body)) {
      const q = requiredQuery(op);
      expectClientError(await call(op, q, { body: '{"ids": [' }), `${op.operationId} malformed`);
      expectClientError(await call(op, q, { body: '[1,2,3]' }), `${op.operationId} array body`);
      expectClientError(await call(op, q, { body: '{"ids": 5, "resources": "x", "action": 7}' }), `${op.operationId} wrong types`);
      if ((op.body as any).required?.length) expectClientError(await call(op, q, { body: '{}' }), `${op.operationId} missing`);
      const raw = Buffer.concat([Buffer.from('{"ids":["'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"]}')]);
      const res = await t.api(op.method, `${concretePath(op)}${q}`, { token, body: raw, headers: { 'content-type': 'application/json' } });
      expectClientError(res, `${op.operationId} non-UTF-8`);
      const huge = JSON.stringify({ ids: ['a'.repeat(300_000)], resources: [{ name: 'n'.repeat(300_000), group_type: 'static' }] });
      expectClientError(await call(op, q, { body: huge }), `${op.operationId} huge`);
    }
  });

  it('operations with a filter refuse bad FQL and out-of-range paging', async () => {
    for (const op of falconOps.filter((o) => o.query?.properties.filter)) {
      const q = requiredQuery(op);
      const sep = q ? '&' : '?';
      for (const bad of ["hostname:'unterminated", 'a:1++b:2', '(name:1', ':x', 'x'.repeat(70_000)]) {
        expectClientError(await call(op, `${q}${sep}filter=${encodeURIComponent(bad)}`, op.body ? { body: '{"ids":["a"]}' } : {}), `${op.operationId} filter ${bad.slice(0, 20)}`);
      }
      if (op.query?.properties.limit) {
        expectClientError(await call(op, `${q}${sep}limit=abc`), `${op.operationId} limit=abc`);
        expectClientError(await call(op, `${q}${sep}limit=99999999`), `${op.operationId} limit huge`);
      }
    }
  });

  it('non-UTF-8 in a query string never causes a server error', async () => {
    for (const op of falconOps.filter((o) => o.method === 'GET')) {
      const res = await call(op, '?ids=%FF%FE&filter=%C3%28');
      expect(res.status, op.operationId).toBeLessThan(500);
    }
  });

  it('arbitrary JSON bodies never cause a server error (fast-check)', async () => {
    const bodyOps = falconOps.filter((o) => o.body);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyOps), fc.jsonValue({ maxDepth: 3 }), async (op, value) => {
        const res = await call(op, requiredQuery(op), { body: JSON.stringify(value) });
        return res.status < 500;
      }),
      { numRuns: 150 },
    );
  });

  it('an unsupported media type is a 415', async () => {
    const op = falconOps.find((o) => o.operationId === 'PostDeviceDetailsV2')!;
    const res = await call(op, '', { body: 'ids=a', contentType: 'application/x-made-up' });
    expectClientError(res, 'media type');
    expect(res.status).toBe(415);
  });
});

/** A query string with valid values for required parameters, so the body is what gets judged. */
function requiredQuery(op: Operation): string {
  const req = (op.query?.required ?? []) as string[];
  const parts = req.map((name) => {
    const schema: any = op.query!.properties[name];
    const choice = schema.anyOf?.[0]?.const ?? (schema.type === 'array' ? '0'.repeat(32) : 'x');
    return `${name}=${encodeURIComponent(choice)}`;
  });
  return parts.length ? `?${parts.join('&')}` : '';
}
