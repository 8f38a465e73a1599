import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

const PASSWORD = 'a long test password';

describe('console administration of API clients and enrollment tokens', () => {
  let t: TestServer;
  /** cookie + CSRF token of a signed-in user. */
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  const call = (who: string, method: string, path: string, json?: unknown, csrf = true) =>
    t.api(method, path, { json, headers: { cookie: sessions[who].cookie, ...(csrf && method !== 'GET' ? { 'x-csrf-token': sessions[who].csrf } : {}) } });

  beforeAll(async () => {
    t = await startTestServer();
    for (const [name, role] of [['ada', 'admin'], ['rory', 'read-only'], ['polly', 'policy-admin']]) {
      await t.server.core.consoleUsers.create({ name, role, password: PASSWORD });
      const res = await fetch(`${t.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
      sessions[name] = { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
    }
  });
  afterAll(() => t?.close());

  it('an admin creates an API client whose secret works once shown, lists it without the secret, and deletes it; both audited', async () => {
    const created = await call('ada', 'POST', '/console/api/api-clients', { name: 'soar', description: 'playbooks', scopes: ['devices:read', 'real-time-response:read'] });
    expect(created.status).toBe(201);
    const client = created.body.resources[0];
    expect(client).toMatchObject({ name: 'soar', scopes: ['devices:read', 'real-time-response:read'], client_secret: expect.any(String) });
    const token = await t.api('POST', '/oauth2/token', { form: { client_id: client.client_id, client_secret: client.client_secret } });
    expect(token.status).toBe(201);
    const listed = await call('ada', 'GET', '/console/api/api-clients');
    const mine = listed.body.resources.find((c: { client_id: string }) => c.client_id === client.client_id);
    expect(mine).toMatchObject({ name: 'soar' });
    expect(JSON.stringify(listed.body)).not.toContain(client.client_secret);

    expect((await call('ada', 'DELETE', `/console/api/api-clients?id=${client.client_id}`)).status).toBe(204);
    expect((await t.api('POST', '/oauth2/token', { form: { client_id: client.client_id, client_secret: client.client_secret } })).status).toBe(403);
    const audit = await t.server.core.audit.forTarget('api_client', client.client_id);
    expect(audit.map((e) => [e.action, e.actor_name])).toEqual([['api_client.delete', 'ada'], ['api_client.create', 'ada']]) // newest first;
    expect(JSON.stringify(audit)).not.toContain(client.client_secret);
  });

  it('an admin creates an enrollment token (shown once) and revokes it; audited with the user', async () => {
    const created = await call('ada', 'POST', '/console/api/enroll-tokens', { description: 'lab', max_uses: 5, tags: ['lab'] });
    expect(created.status).toBe(201);
    const tok = created.body.resources[0];
    expect(tok).toMatchObject({ description: 'lab', max_uses: 5, tags: ['lab'], state: 'usable', token: expect.any(String) });
    expect(await t.server.core.enrollTokens.verify(tok.token)).toBe(true);
    const listed = await call('ada', 'GET', '/console/api/enroll-tokens');
    expect(listed.body.resources.find((x: { id: string }) => x.id === tok.id)).toMatchObject({ state: 'usable' });
    expect(JSON.stringify(listed.body)).not.toContain(tok.token);
    expect((await call('ada', 'DELETE', `/console/api/enroll-tokens?id=${tok.id}`)).status).toBe(204);
    expect(await t.server.core.enrollTokens.verify(tok.token)).toBe(false);
    const audit = await t.server.core.audit.forTarget('enroll_token', tok.id);
    expect(audit.map((e) => [e.action, e.actor_name])).toEqual([['enroll_token.revoke', 'ada'], ['enroll_token.create', 'ada']]) // newest first;
  });

  it('other roles, a missing CSRF token and no session are refused before anything changes', async () => {
    const before = (await t.server.core.apiClients.list()).length;
    for (const who of ['rory', 'polly']) {
      const r = await call(who, 'POST', '/console/api/api-clients', { name: 'x', scopes: ['devices:read'] });
      expect(r.status).toBe(403);
      expect(r.body.errors[0].message).toMatch(/needs the admin role/);
      expect((await call(who, 'GET', '/console/api/enroll-tokens')).status).toBe(403);
    }
    const noCsrf = await call('ada', 'POST', '/console/api/enroll-tokens', {}, false);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.errors[0].message).toBe('missing or wrong CSRF token');
    expect((await t.api('GET', '/console/api/api-clients')).status).toBe(401);
    expect((await t.server.core.apiClients.list()).length).toBe(before);
  });

  it('bad input gets a 400 or 404 in the console envelope', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/console/api/api-clients', { name: 'x', scopes: ['root:write'] }, 400, /unknown scope\(s\): root:write/],
      ['POST', '/console/api/api-clients', { name: 'x', scopes: [] }, 400, /scopes/],
      ['POST', '/console/api/api-clients', { name: 'x', scopes: ['devices:read'], extra: 1 }, 400, /additional/],
      ['POST', '/console/api/enroll-tokens', { expires_at: '2001-01-01T00:00:00Z' }, 400, /not a time in the future/],
      ['POST', '/console/api/enroll-tokens', { max_uses: 0 }, 400, /max_uses/],
      ['DELETE', '/console/api/api-clients?id=nope', undefined, 404, /not found/],
      ['DELETE', '/console/api/enroll-tokens', undefined, 400, /id/],
    ];
    for (const [method, path, json, status, message] of cases) {
      const r = await call('ada', method, path, json);
      expect([path, r.status]).toEqual([path, status]);
      expect(r.body.errors[0].message).toMatch(message);
    }
  });
});
