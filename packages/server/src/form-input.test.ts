import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { ServiceError } from '@riposte/core';
import { defineOperations } from '@riposte/spec';
import { readForm } from './form-input.ts';

/** readForm on its own: conversions, validation and file hand-off, for any form operation. */
const [op] = defineOperations([{
  operationId: 'TestForm',
  collection: 'Test',
  dialect: 'falcon',
  method: 'POST',
  path: '/form',
  scope: null,
  summary: '',
  form: Type.Object(
    { name: Type.String({ maxLength: 10 }), tags: Type.Optional(Type.Array(Type.String())), flag: Type.Optional(Type.Boolean()), n: Type.Optional(Type.Integer()) },
    { additionalProperties: false },
  ),
  files: ['file'],
  successStatus: 200,
}]);

describe('readForm', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    await app.register(formbody);
    await app.register(multipart);
    app.setErrorHandler((err: Error, _req, reply) => reply.code(err instanceof ServiceError ? err.status : 500).send({ error: err.message }));
    app.post('/form', async (request) => {
      const abandoned: string[] = [];
      try {
        return await readForm(request, op, async (part) => {
          let text = '';
          for await (const chunk of part.stream) text += chunk;
          return `${part.field}:${part.filename}:${text}`;
        }, async (handled) => void abandoned.push(...handled));
      } catch (err) {
        (err as Error).message += abandoned.length ? ` [abandoned ${abandoned.join(',')}]` : '';
        throw err;
      }
    });
  });
  afterAll(() => app.close());

  const post = async (form: FormData | URLSearchParams) => {
    // Encode once: every encoding of a FormData picks a new boundary.
    const encoded = new Response(form);
    const payload = Buffer.from(await encoded.arrayBuffer());
    const res = await app.inject({ method: 'POST', url: '/form', payload, headers: { 'content-type': encoded.headers.get('content-type')! } });
    return { status: res.statusCode, body: res.json() };
  };
  const multi = (entries: [string, string | Blob, string?][]) => {
    const f = new FormData();
    for (const [k, v, name] of entries) (typeof v === 'string' ? f.append(k, v) : f.append(k, v, name));
    return f;
  };

  it('converts repeated and comma-separated arrays, booleans and integers; files in order', async () => {
    const res = await post(multi([['file', new Blob(['abc']), 'a.txt'], ['name', 'x'], ['tags', 'a,b'], ['tags', 'c'], ['flag', 'True'], ['n', '42']]));
    expect(res).toEqual({ status: 200, body: { fields: { name: 'x', tags: ['a', 'b', 'c'], flag: true, n: 42 }, files: ['file:a.txt:abc'] } });
  });

  it('takes a file sent as a plain field, and urlencoded forms', async () => {
    expect((await post(multi([['name', 'x'], ['file', 'inline']]))).body.files).toEqual(['file::inline']);
    expect((await post(new URLSearchParams([['name', 'y'], ['tags', 'p'], ['tags', 'q']]))).body.fields).toEqual({ name: 'y', tags: ['p', 'q'] });
  });

  it('refuses unknown, repeated scalar, missing and invalid fields with 400, abandoning stored files', async () => {
    const unknown = await post(multi([['file', new Blob(['z']), 'z'], ['name', 'x'], ['bogus', '1']]));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/unknown field "bogus".*abandoned file:z:z/);
    expect((await post(multi([['name', 'x'], ['name', 'y']]))).body.error).toContain('given 2 times');
    expect((await post(multi([['tags', 'a']]))).body.error).toContain('missing required field "name"');
    expect((await post(multi([['name', 'x'.repeat(11)]]))).status).toBe(400);
    expect((await post(multi([['name', 'x'], ['flag', 'maybe']]))).status).toBe(400);
    expect((await post(multi([['name', 'x'], ['other', new Blob(['q']), 'q']]))).body.error).toContain('unexpected file field "other"');
  });
});
