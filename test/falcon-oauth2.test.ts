import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

describe('Falcon OAuth2 and request handling', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('issues a bearer token for form credentials with 201 and no region header', async () => {
    const res = await t.api('POST', '/oauth2/token', { form: { client_id: t.clientId, client_secret: t.clientSecret } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-cs-region')).toBeNull();
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 1799 });
  });

  it('accepts HTTP Basic client credentials with grant_type, as generic OAuth2 libraries send them', async () => {
    const basic = Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64');
    const res = await t.api('POST', '/oauth2/token', { form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(201);
    const hosts = await t.api('GET', '/devices/queries/devices/v1', { token: res.body.access_token });
    expect(hosts.status).toBe(200);
  });

  it('refuses bad credentials with 403 in the Falcon envelope', async () => {
    const res = await t.api('POST', '/oauth2/token', { form: { client_id: t.clientId, client_secret: 'wrong' } });
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toEqual({ code: 403, message: 'access denied, authorization failed' });
    expect(res.body.meta.trace_id).toBe(res.headers.get('x-cs-traceid'));
    const unknown = await t.api('POST', '/oauth2/token', { form: { client_id: '0'.repeat(32), client_secret: 'x' } });
    expect(unknown.status).toBe(403);
  });

  it('refuses a member_cid that is not this installation', async () => {
    const res = await t.api('POST', '/oauth2/token', { form: { client_id: t.clientId, client_secret: t.clientSecret, member_cid: 'f'.repeat(32) } });
    expect(res.status).toBe(403);
    const ok = await t.api('POST', '/oauth2/token', { form: { client_id: t.clientId, client_secret: t.clientSecret, member_cid: t.server.core.cid } });
    expect(ok.status).toBe(201);
  });

  it('asks for credentials when none are given', async () => {
    const res = await t.api('POST', '/oauth2/token', { form: {} });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/client_id/);
  });

  it('answers 401 without a token or with a bad one, and 403 without the scope', async () => {
    const none = await t.api('GET', '/devices/queries/devices/v1');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ meta: { powered_by: 'riposte' }, resources: [], errors: [{ code: 401 }] });
    const bad = await t.api('GET', '/devices/queries/devices/v1', { token: 'nope' });
    expect(bad.status).toBe(401);
    const groupsOnly = await t.token(['host-group:read']);
    const denied = await t.api('GET', '/devices/queries/devices/v1', { token: groupsOnly });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].message).toMatch(/devices:read/);
    const allowed = await t.api('GET', '/devices/queries/host-groups/v1', { token: groupsOnly });
    expect(allowed.status).toBe(200);
  });

  it('revokes a token', async () => {
    const res = await t.api('POST', '/oauth2/token', { form: { client_id: t.clientId, client_secret: t.clientSecret } });
    const token = res.body.access_token;
    expect((await t.api('GET', '/devices/queries/devices/v1', { token })).status).toBe(200);
    const basic = Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64');
    const rev = await t.api('POST', '/oauth2/revoke', { form: { token }, headers: { authorization: `basic ${basic}` } });
    expect(rev.status).toBe(200);
    expect(rev.body.errors).toEqual([]);
    expect((await t.api('GET', '/devices/queries/devices/v1', { token })).status).toBe(401);
    const badBasic = Buffer.from(`${t.clientId}:nope`).toString('base64');
    const denied = await t.api('POST', '/oauth2/revoke', { form: { token }, headers: { authorization: `basic ${badBasic}` } });
    expect(denied.status).toBe(403);
  });

  it('sends trace id and rate-limit headers on API calls', async () => {
    const token = await t.token();
    const res = await t.api('GET', '/devices/queries/devices/v1', { token });
    expect(res.headers.get('x-cs-traceid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-ratelimit-limit')).toBe('6000');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(6000);
    expect(res.body.meta).toMatchObject({ powered_by: 'riposte', trace_id: res.headers.get('x-cs-traceid'), query_time: expect.any(Number) });
  });

  it('serves the OpenAPI document generated from the registry', async () => {
    const res = await t.api('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.paths['/devices/queries/devices/v1'].get.operationId).toBe('QueryDevicesByFilter');
    expect(res.body.paths['/devices/queries/devices/v1'].get['x-riposte-scope']).toBe('devices:read');
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await t.api('GET', '/nope/v1');
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe(404);
  });
});

describe('rate limiting', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ rateLimitPerMinute: 5 });
  });
  afterAll(() => t.close());

  it('answers 429 with X-Ratelimit-Retryafter in epoch seconds once a client spends its quota', async () => {
    const token = await t.token();
    let last;
    for (let i = 0; i < 6; i++) last = await t.api('GET', '/devices/queries/devices/v1', { token });
    expect(last!.status).toBe(429);
    const retry = Number(last!.headers.get('x-ratelimit-retryafter'));
    const now = Date.now() / 1000;
    expect(retry).toBeGreaterThan(now - 1);
    expect(retry).toBeLessThan(now + 61);
    expect(last!.body.errors[0].code).toBe(429);
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});
