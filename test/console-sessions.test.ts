import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes } from '@riposte/spec';
import { CONSOLE_ROLE_SCOPES, ConsoleSessionService } from '@riposte/core';
import { startTestServer, type TestServer } from './support/server.ts';
import { riposte } from './support/cli.ts';

/** Sign in over HTTP as a browser would: the session cookie and the CSRF token. */
async function signIn(t: TestServer, name: string, password: string) {
  const res = await fetch(`${t.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  const body = await res.json();
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body, setCookie, cookie: setCookie.split(';')[0] };
}

describe('console sign-in, sessions and CSRF', () => {
  let t: TestServer;
  let adminPassword: string;
  beforeAll(async () => {
    t = await startTestServer();
    adminPassword = t.server.bootstrap!.console_password!;
  });
  afterAll(() => t.close());

  it('the first start creates an admin console user, kept in bootstrap.json with a generated password', () => {
    const boot = JSON.parse(fs.readFileSync(path.join(t.dataDir, 'bootstrap.json'), 'utf8'));
    expect(boot.console_user).toBe('admin');
    expect(boot.console_password).toBe(adminPassword);
    expect(adminPassword.length).toBeGreaterThanOrEqual(20);
  });

  it('every role maps to scopes the registry knows, and read-only holds no write scope', () => {
    for (const scopes of Object.values(CONSOLE_ROLE_SCOPES)) for (const s of scopes) expect(allScopes()).toContain(s);
    expect(CONSOLE_ROLE_SCOPES['read-only'].some((s) => s.endsWith(':write'))).toBe(false);
  });

  it('signs in with an HttpOnly SameSite=Strict cookie, audited, and the cookie then calls the Falcon routes', async () => {
    const r = await signIn(t, 'admin', adminPassword);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'admin', role: 'admin', must_change_password: true, csrf_token: expect.any(String) });
    expect(r.setCookie).toMatch(/^riposte_console=[A-Za-z0-9_-]{40,};/);
    expect(r.setCookie).toContain('HttpOnly');
    expect(r.setCookie).toContain('SameSite=Strict');
    const hosts = await t.api('GET', '/devices/queries/devices/v1', { headers: { cookie: r.cookie } });
    expect(hosts.status).toBe(200);
    const events = await t.server.core.audit.forTarget('console_user', (await t.server.core.store.db.selectFrom('console_users').select('id').where('name', '=', 'admin').executeTakeFirstOrThrow()).id);
    expect(events.map((e) => e.action)).toContain('console.sign_in');
  });

  it('a wrong password and an unknown user get the same generic answer, and the failure is audited', async () => {
    const wrong = await signIn(t, 'admin', 'not the password at all');
    const unknown = await signIn(t, 'nobody', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.errors[0].message).toBe('sign-in failed: wrong user name or password');
    expect(wrong.setCookie).toBe('');
    expect((await t.server.core.audit.forTarget('console_user', 'nobody')).map((e) => e.action)).toEqual(['console.sign_in_failed']);
  });

  it('refuses a state-changing request whose CSRF token is missing or forged, and accepts the real one', async () => {
    const r = await signIn(t, 'admin', adminPassword);
    const body = { name: 'csrf test group', group_type: 'static' };
    const missing = await t.api('POST', '/devices/entities/host-groups/v1', { headers: { cookie: r.cookie }, json: { resources: [body] } });
    expect(missing.status).toBe(401);
    expect(missing.body.errors[0].message).toMatch(/CSRF/);
    const forged = await t.api('POST', '/devices/entities/host-groups/v1', { headers: { cookie: r.cookie, 'x-csrf-token': 'A'.repeat(43) }, json: { resources: [body] } });
    expect(forged.status).toBe(401);
    const real = await t.api('POST', '/devices/entities/host-groups/v1', { headers: { cookie: r.cookie, 'x-csrf-token': r.body.csrf_token }, json: { resources: [body] } });
    expect(real.status).toBe(201);
  });

  it('a read-only user is refused what the API refuses a client without the scope', async () => {
    const { password } = await t.server.core.consoleUsers.create({ name: 'reader', role: 'read-only' });
    const r = await signIn(t, 'reader', password);
    expect(r.status).toBe(200);
    const list = await t.api('GET', '/devices/queries/devices/v1', { headers: { cookie: r.cookie } });
    expect(list.status).toBe(200);
    const write = await t.api('POST', '/devices/entities/host-groups/v1', { headers: { cookie: r.cookie, 'x-csrf-token': r.body.csrf_token }, json: { resources: [{ name: 'x', group_type: 'static' }] } });
    expect(write.status).toBe(403);
    expect(write.body.errors[0].message).toMatch(/host-group:write/);
  });

  it('changes a password with the current one and the CSRF token; the old one stops working', async () => {
    const { password } = await t.server.core.consoleUsers.create({ name: 'changer', role: 'read-only', mustChangePassword: true });
    const r = await signIn(t, 'changer', password);
    expect(r.body.must_change_password).toBe(true);
    const change = (headers: Record<string, string>, body: unknown) =>
      fetch(`${t.url}/console/api/password`, { method: 'POST', headers: { cookie: r.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const next = 'a brand new passphrase';
    expect((await change({}, { current_password: password, new_password: next })).status).toBe(403);
    const wrong = await change({ 'x-csrf-token': r.body.csrf_token }, { current_password: 'not it at all', new_password: next });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).errors[0].message).toBe('the current password is wrong');
    const short = await change({ 'x-csrf-token': r.body.csrf_token }, { current_password: password, new_password: 'short' });
    expect(short.status).toBe(400);
    expect((await short.json()).errors[0].message).toMatch(/at least 12/);
    expect((await change({ 'x-csrf-token': r.body.csrf_token }, { current_password: password, new_password: next })).status).toBe(204);
    expect(await t.server.core.consoleUsers.authenticate('changer', password)).toBeUndefined();
    const again = await signIn(t, 'changer', next);
    expect(again.status).toBe(200);
    expect(again.body.must_change_password).toBe(false);
  });

  it('signing out ends the session; the old cookie is refused after', async () => {
    const r = await signIn(t, 'admin', adminPassword);
    const noToken = await fetch(`${t.url}/console/api/session`, { method: 'DELETE', headers: { cookie: r.cookie } });
    expect(noToken.status).toBe(403);
    const out = await fetch(`${t.url}/console/api/session`, { method: 'DELETE', headers: { cookie: r.cookie, 'x-csrf-token': r.body.csrf_token } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const after = await t.api('GET', '/devices/queries/devices/v1', { headers: { cookie: r.cookie } });
    expect(after.status).toBe(401);
    expect((await fetch(`${t.url}/console/api/session`, { headers: { cookie: r.cookie } })).status).toBe(401);
  });

  it('a session idle past its limit is gone', async () => {
    const user = (await t.server.core.consoleUsers.authenticate('admin', adminPassword))!;
    const sessions = new ConsoleSessionService(t.server.core.store.db, 60_000);
    const { token } = await sessions.create(user.id);
    expect(await sessions.verify(token)).toBeDefined();
    const count = async () => (await t.server.core.store.db.selectFrom('console_sessions').select('token_hash').execute()).length;
    await t.server.core.store.db.updateTable('console_sessions').set({ last_seen_at: new Date(Date.now() - 61_000).toISOString() }).execute();
    const before = await count();
    expect(await sessions.verify(token)).toBeUndefined();
    expect(await count()).toBe(before - 1);
  });

  it('bad input: a malformed sign-in body is a 400, an unknown role is refused', async () => {
    const res = await fetch(`${t.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/name and password/);
    await expect(t.server.core.consoleUsers.create({ name: 'x', role: 'root' })).rejects.toThrow(/unknown role/);
    await expect(t.server.core.consoleUsers.create({ name: 'short', role: 'admin', password: 'abc' })).rejects.toThrow(/at least 12/);
  });

  it('riposte users create makes a user who can sign in with the printed password; bad roles and duplicates fail', async () => {
    const home = fs.mkdtempSync(path.join(t.dataDir, 'cli-'));
    const args = ['users', 'create', '--name', 'responder', '--role', 'active-responder', '--database', t.databaseUrl];
    const made = await riposte(home, args);
    expect(made.code).toBe(0);
    const password = /^password: (\S+)$/m.exec(made.stdout)![1];
    const r = await signIn(t, 'responder', password);
    expect(r.body.role).toBe('active-responder');
    const again = await riposte(home, args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const badRole = await riposte(home, ['users', 'create', '--name', 'x', '--role', 'root', '--database', t.databaseUrl]);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/unknown role root; roles are read-only, active-responder, admin, policy-admin/);
  }, 180_000); // three runs of the CLI, each a fresh Node process: slow on a busy machine

  it('rate limits sign-in attempts from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(t, 'admin', 'wrong password ' + i)).status);
    expect(statuses).toContain(429);
  });
});
