import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { operations, type Operation } from '@riposte/spec';
import { startTestServer, type TestServer } from './support/server.ts';

/**
 * Walks the whole registry (every dialect, authenticated or not) with malformed encodings: bad
 * percent-escapes in the path, the query, form bodies and HTTP Basic credentials, non-UTF-8 and
 * odd bytes in headers, broken Authorization schemes and content types. Each must answer below
 * 500 — a thrown URIError or similar would surface as a 500.
 */

/** Raw HTTP, so that bytes fetch() would refuse or re-encode reach the server as sent. */
function raw(url: string, method: string, target: string, headers: Record<string, string | Buffer>, body?: Buffer | string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: target, setHost: true });
    for (const [k, v] of Object.entries(headers)) req.setHeader(k, typeof v === 'string' ? v : v.toString('latin1'));
    if (body !== undefined) req.setHeader('content-length', Buffer.byteLength(body));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bodies the OAuth2 endpoints accept, so that the Authorization header is what gets judged. */
const VALID_FORM: Record<string, Record<string, string>> = { '/oauth2/token': { grant_type: 'client_credentials' }, '/oauth2/revoke': { token: 'x' } };
const formFor = (op: Operation) => new URLSearchParams(VALID_FORM[op.path] ?? { a: '1' }).toString();

const concretePath = (op: Operation) => op.path.replace(/:([a-z_]+)/g, 'x');
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

const BAD_ESCAPES = ['%', '%E0%A4%A', '%ZZ', '%C3%28', '%FF%FE', '%00', '%%41', '%u0041', '%uD800'];
const AUTH_HEADERS = [
  ...BAD_ESCAPES.map((e) => `Basic ${b64(`id${e}:secret${e}`)}`),
  `Basic ${b64(Buffer.from([0x69, 0x64, 0x3a, 0xff, 0xfe]))}`, // id:<not UTF-8>
  'Basic !!!not-base64!!!',
  'Basic',
  'Bearer %E0%A4%A',
  'Bearer ' + 'a'.repeat(5000),
  'Agent %ZZ:%ZZ',
  'Transfer %E0%A4%A',
  'Digest username="%ZZ"',
];

describe('malformed encodings and headers on every operation', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer();
    token = await t.token();
  });
  afterAll(() => t.close());

  const expectBelow500 = (res: { status: number; text: string }, what: string) => {
    expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
    expect(res.text, what).not.toMatch(/URIError|at .*\.ts:\d+/);
  };

  it('malformed Basic credentials on the token and revoke endpoints are a 400 saying why', async () => {
    for (const [path, form] of Object.entries(VALID_FORM)) {
      const res = await t.api('POST', path, { form, headers: { authorization: `Basic ${b64('id%E0%A4%A:secret')}` } });
      expect(res.status, res.text).toBe(400);
      expect(res.body.errors[0].message).toMatch(/percent-encoding/);
      const notUtf8 = await t.api('POST', path, { form, headers: { authorization: `Basic ${b64(Buffer.from([0x69, 0x3a, 0xff]))}` } });
      expect(notUtf8.status, notUtf8.text).toBe(400);
      expect(notUtf8.body.errors[0].message).toMatch(/UTF-8/);
    }
  });

  it('every operation survives malformed Authorization headers', async () => {
    for (const op of operations) {
      for (const authorization of AUTH_HEADERS) {
        const res = await raw(t.url, op.method, concretePath(op), { authorization, 'content-type': 'application/x-www-form-urlencoded' }, op.method === 'GET' || op.method === 'HEAD' ? undefined : formFor(op));
        expectBelow500(res, `${op.operationId} ${authorization.slice(0, 30)}`);
      }
    }
  });

  it('every operation survives bad percent-escapes in its path, query and form body', async () => {
    for (const op of operations) {
      const withBody = op.method !== 'GET' && op.method !== 'HEAD';
      for (const e of BAD_ESCAPES) {
        const path = op.path.includes(':') ? op.path.replace(/:([a-z_]+)/g, `x${e}`) : `${op.path}${e}`;
        expectBelow500(await raw(t.url, op.method, path, { authorization: `Bearer ${token}` }), `${op.operationId} path ${e}`);
        const query = `${concretePath(op)}?ids=${e}&filter=${e}&limit=${e}&${e}=${e}`;
        expectBelow500(await raw(t.url, op.method, query, { authorization: `Bearer ${token}` }), `${op.operationId} query ${e}`);
        if (withBody) {
          const form = `client_id=${e}&client_secret=${e}&token=${e}&ids=${e}&${e}=1`;
          const res = await raw(t.url, op.method, concretePath(op), { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, form);
          expectBelow500(res, `${op.operationId} form ${e}`);
        }
      }
    }
  });

  it('every operation survives odd header bytes and broken content types', async () => {
    const contentTypes = [
      'multipart/form-data', // no boundary
      'multipart/form-data; boundary=', // empty boundary
      'application/json; charset=utf-16',
      'application/x-www-form-urlencoded; charset=%ZZ',
      'text/plain; ;;; =',
      '%E0%A4%A',
    ];
    for (const op of operations) {
      if (op.method === 'GET' || op.method === 'HEAD') continue;
      for (const ct of contentTypes) {
        const body = ct.startsWith('multipart') ? '--x\r\nContent-Disposition: form-data; name="%ZZ"\r\n\r\n%ZZ\r\n--x--\r\n' : '%E0%A4%A';
        expectBelow500(await raw(t.url, op.method, concretePath(op), { authorization: `Bearer ${token}`, 'content-type': ct }, body), `${op.operationId} content-type ${ct}`);
      }
      const latin1 = Buffer.from([0x61, 0xe9, 0xff, 0x62]);
      expectBelow500(
        await raw(t.url, op.method, concretePath(op), { authorization: Buffer.concat([Buffer.from('Bearer '), latin1]), 'x-cs-username': latin1, 'content-type': 'application/json' }, '{}'),
        `${op.operationId} latin-1 header bytes`,
      );
    }
  });

  it('random Basic credentials and form bodies never cause a server error (fast-check)', async () => {
    const percentish = fc.stringMatching(/^[%A-Za-z0-9:+=&\u00e9\ud83d\ude00]{0,24}$/);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(VALID_FORM)), percentish, percentish, fc.boolean(), async (path, user, form, validForm) => {
        const body = validForm ? new URLSearchParams(VALID_FORM[path]).toString() : form;
        const res = await raw(t.url, 'POST', path, { authorization: `Basic ${b64(user)}`, 'content-type': 'application/x-www-form-urlencoded' }, body);
        return res.status >= 200 && res.status < 500;
      }),
      { numRuns: 200 },
    );
  });
});
