import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

/**
 * The RTR library over raw HTTP, in the shapes FalconPy produces: multipart with `data` fields
 * before the `files` tuple, urlencoded `data` alone, repeated `platform` keys; plus every
 * failure a client can cause.
 */

const ADMIN = 'real-time-response-admin:write';
const PUT = '/real-time-response/entities/put-files';
const SCRIPTS = '/real-time-response/entities/scripts';

/** A FalconPy-style multipart body: `data` fields first, then the `files` tuples. */
function multipart(data: Record<string, string | string[]>, files: { field?: string; filename: string; bytes: Uint8Array | string; type?: string }[] = []): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(data)) for (const item of [v].flat()) form.append(k, item);
  for (const f of files) form.append(f.field ?? 'file', new Blob([f.bytes as BlobPart], { type: f.type ?? 'application/octet-stream' }), f.filename);
  return form;
}

describe('RTR library (raw HTTP, FalconPy shapes)', () => {
  let t: TestServer;
  let token: string;
  const send = (method: string, path: string, body?: FormData | URLSearchParams, tok = token) => t.api(method, path, { token: tok, body });

  beforeAll(async () => {
    t = await startTestServer({ maxPutFileBytes: 64 * 1024, maxScriptBytes: 16 * 1024 });
    token = await t.token();
  });
  afterAll(() => t.close());

  describe('put-files', () => {
    it('creates from data + files tuple (v1: meta only, 200) and serves the exact bytes', async () => {
      const bytes = crypto.randomBytes(10_000);
      const res = await send('POST', `${PUT}/v1`, multipart({ description: 'triage kit', name: 'kit.bin', comments_for_audit_log: 'IR-42' }, [{ filename: 'local.bin', bytes }]));
      expect(res.status).toBe(200);
      expect(res.body.resources).toEqual([]);
      expect(res.body.meta.writes).toEqual({ resources_affected: 1 });

      const found = await send('GET', `/real-time-response/queries/put-files/v1?filter=${encodeURIComponent("name:'kit.bin'")}`);
      expect(found.body.resources).toHaveLength(1);
      const id = found.body.resources[0];
      const got = await send('GET', `${PUT}/v1?ids=${id}`);
      expect(got.status).toBe(200);
      expect(got.body.resources[0]).toMatchObject({
        id,
        name: 'kit.bin',
        description: 'triage kit',
        comments_for_audit_log: 'IR-42',
        size: 10_000,
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
        created_by_uuid: t.clientId,
        run_attempt_count: 0,
      });

      const raw = await fetch(`${t.url}/real-time-response/entities/put-file-contents/v1?id=${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(raw.status).toBe(200);
      expect(raw.headers.get('content-type')).toBe('application/octet-stream');
      expect(Buffer.from(await raw.arrayBuffer()).equals(bytes)).toBe(true);

      const audit = await t.server.core.audit.forTarget('put_file', id);
      expect(audit.map((e) => e.action)).toEqual(['put_file.create']);
      expect(audit[0].details).toEqual({ comments_for_audit_log: 'IR-42' });
    });

    it('v2 answers with the new put-file; the name defaults to the file name of the tuple', async () => {
      const res = await send('POST', `${PUT}/v2`, multipart({ description: 'd' }, [{ filename: 'MyPutFile', bytes: 'hello', type: 'application/script' }]));
      expect(res.status).toBe(200);
      expect(res.body.resources[0]).toMatchObject({ name: 'MyPutFile', size: 5, file_type: 'application/script', share_with_workflow: false });
      const v2 = await send('GET', `${PUT}/v2?ids=${res.body.resources[0].id}`);
      expect(v2.body.resources[0].name).toBe('MyPutFile');
    });

    it('refuses a duplicate name (any case) with 409 and creates nothing', async () => {
      await send('POST', `${PUT}/v1`, multipart({ description: 'd', name: 'dup.exe' }, [{ filename: 'x', bytes: 'one' }]));
      const before = await send('GET', '/real-time-response/queries/put-files/v1');
      const res = await send('POST', `${PUT}/v1`, multipart({ description: 'd', name: 'DUP.exe' }, [{ filename: 'x', bytes: 'two, never stored' }]));
      expect(res.status).toBe(409);
      expect(res.body.errors[0]).toMatchObject({ code: 409 });
      expect(res.body.errors[0].message).toContain('already exists');
      const after = await send('GET', '/real-time-response/queries/put-files/v1');
      expect(after.body.meta.pagination.total).toBe(before.body.meta.pagination.total);
      // The refused upload's bytes did not stay behind.
      const sha = crypto.createHash('sha256').update('two, never stored').digest('hex');
      expect(await t.server.core.blobs.stat(sha)).toBeUndefined();
    });

    it.each(['../evil', 'dir/file', 'C:\\x.exe', '..', 'a..b'])('refuses the name %j with 400', async (name) => {
      const res = await send('POST', `${PUT}/v1`, multipart({ description: 'd', name }, [{ filename: 'f', bytes: 'x' }]));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe(400);
    });

    it('never takes a directory from the part\'s file name when no name is given', async () => {
      const form = new FormData();
      form.append('description', 'd');
      form.append('file', new Blob(['x']), '../../etc/passwd');
      const res = await send('POST', `${PUT}/v2`, form);
      expect(res.status).toBe(200);
      expect(res.body.resources[0].name).toBe('passwd');
    });

    it('refuses an audit comment over 4,096 characters', async () => {
      const res = await send('POST', `${PUT}/v1`, multipart({ description: 'd', name: 'c.txt', comments_for_audit_log: 'x'.repeat(4097) }, [{ filename: 'f', bytes: 'x' }]));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toContain('comments_for_audit_log');
    });

    it('answers 413 in the Falcon envelope for an oversized file, and keeps nothing', async () => {
      const big = crypto.randomBytes(64 * 1024 + 1);
      const res = await send('POST', `${PUT}/v1`, multipart({ description: 'd', name: 'big.bin' }, [{ filename: 'big.bin', bytes: big }]));
      expect(res.status).toBe(413);
      expect(res.body.errors[0]).toMatchObject({ code: 413 });
      expect(res.body.meta.trace_id).toBeTruthy();
      expect((await send('GET', `/real-time-response/queries/put-files/v1?filter=${encodeURIComponent("name:'big.bin'")}`)).body.resources).toEqual([]);
    });

    it('refuses a form without the file, without description, with unknown fields, or not multipart', async () => {
      expect((await send('POST', `${PUT}/v1`, multipart({ description: 'd', name: 'n' }))).status).toBe(400);
      const noDesc = await send('POST', `${PUT}/v1`, multipart({ name: 'n2' }, [{ filename: 'f', bytes: 'x' }]));
      expect(noDesc.status).toBe(400);
      expect(noDesc.body.errors[0].message).toContain('description');
      const unknown = await send('POST', `${PUT}/v1`, multipart({ description: 'd', bogus: '1' }, [{ filename: 'f', bytes: 'x' }]));
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].message).toContain('bogus');
      // FalconPy `create_put_files(data={}, files=[])` sends no body at all: the vendor says 415.
      expect((await send('POST', `${PUT}/v1`)).status).toBe(415);
      const json = await t.api('POST', `${PUT}/v1`, { token, json: { description: 'd' } });
      expect(json.status).toBe(415);
      for (const [type, body] of [
        ['multipart/form-data', 'no boundary'],
        ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="description"\r\n\r\nd\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\ntruncated'],
      ]) {
        const res = await t.api('POST', `${PUT}/v1`, { token, body, headers: { 'content-type': type } });
        expect(res.status, `${type}: ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.errors[0].code).toBe(res.status);
      }
    });

    it('lists with FQL filter, sort and paging of at most 100', async () => {
      for (const n of ['list-a', 'list-b', 'list-c']) {
        expect((await send('POST', `${PUT}/v1`, multipart({ description: `desc ${n}`, name: n }, [{ filename: n, bytes: n }]))).status).toBe(200);
      }
      const q = (qs: string) => send('GET', `/real-time-response/queries/put-files/v1?${qs}`);
      const desc = await q(`filter=${encodeURIComponent("name:*'list-*'")}&sort=name|desc`);
      const names = async (ids: string[]) => (await send('GET', `${PUT}/v1?ids=${ids.join(',')}`)).body.resources.map((r: any) => r.name);
      expect(await names(desc.body.resources)).toEqual(['list-c', 'list-b', 'list-a']);
      const page = await q(`filter=${encodeURIComponent("name:*'list-*'")}&sort=name.asc&offset=1&limit=1`);
      expect(page.body.meta.pagination).toEqual({ offset: 1, limit: 1, total: 3 });
      expect(await names(page.body.resources)).toEqual(['list-b']);
      expect((await q('limit=500')).body.meta.pagination.limit).toBe(100);
      expect((await q(`filter=${encodeURIComponent('nope:1')}`)).status).toBe(400);
      expect((await q('sort=content.asc')).status).toBe(400);
    });

    it('gets: 404 per missing id, 404 overall when none found', async () => {
      const created = await send('POST', `${PUT}/v2`, multipart({ description: 'd', name: 'get-me' }, [{ filename: 'f', bytes: 'x' }]));
      const id = created.body.resources[0].id;
      const missing = 'f'.repeat(32);
      const partial = await send('GET', `${PUT}/v1?ids=${id}&ids=${missing}`);
      expect(partial.status).toBe(200);
      expect(partial.body.resources).toHaveLength(1);
      expect(partial.body.errors).toEqual([{ code: 404, message: expect.any(String), id: missing }]);
      expect((await send('GET', `${PUT}/v2?ids=${missing}`)).status).toBe(404);
      expect((await send('GET', `${PUT}/v1`)).status).toBe(400);
    });

    it('deletes (audited), then the contents are gone; deleting again is a 404', async () => {
      const created = await send('POST', `${PUT}/v2`, multipart({ description: 'd', name: 'delete-me' }, [{ filename: 'f', bytes: 'bye' }]));
      const id = created.body.resources[0].id;
      const del = await send('DELETE', `${PUT}/v1?ids=${id}`);
      expect(del.status).toBe(200);
      expect(del.body.meta.writes).toEqual({ resources_affected: 1 });
      expect((await send('DELETE', `${PUT}/v1?ids=${id}`)).status).toBe(404);
      expect((await send('GET', `/real-time-response/entities/put-file-contents/v1?id=${id}`)).status).toBe(404);
      expect((await t.server.core.audit.forTarget('put_file', id)).map((e) => e.action)).toEqual(['put_file.delete', 'put_file.create']);
    });

    it('requires the admin scope', async () => {
      const weak = await t.token(['real-time-response:write']);
      expect((await send('GET', '/real-time-response/queries/put-files/v1', undefined, weak)).status).toBe(403);
      expect((await send('POST', `${PUT}/v1`, multipart({ description: 'd' }, [{ filename: 'f', bytes: 'x' }]), weak)).status).toBe(403);
    });
  });

  describe('scripts', () => {
    it('creates from urlencoded data alone (FalconPy `data=` without files) with repeated platform keys', async () => {
      const body = new URLSearchParams([
        ['name', 'who.sh'],
        ['description', 'who is on'],
        ['permission_type', 'group'],
        ['content', '#!/bin/sh\nwho\n'],
        ['platform', 'linux'],
        ['platform', 'mac'],
      ]);
      const res = await send('POST', `${SCRIPTS}/v2`, body);
      expect(res.status).toBe(200);
      expect(res.body.resources[0]).toMatchObject({ name: 'who.sh', platform: ['linux', 'mac'], permission_type: 'group', content: '#!/bin/sh\nwho\n', file_type: 'script', write_access: true });
      const script = await t.server.core.rtrLibrary.scripts.getByName('WHO.sh');
      expect(script?.platform).toEqual(['linux', 'mac']);
    });

    it('creates from a file tuple (multipart, v1 meta only); platform defaults to windows', async () => {
      const res = await send('POST', `${SCRIPTS}/v1`, multipart({ description: 'ps', permission_type: 'public' }, [{ filename: 'Get-Stuff.ps1', bytes: 'Get-Process\n', type: 'application/script' }]));
      expect(res.status).toBe(200);
      expect(res.body.resources).toEqual([]);
      const script = await t.server.core.rtrLibrary.scripts.getByName('Get-Stuff.ps1');
      expect(script).toMatchObject({ content: 'Get-Process\n', platform: ['windows'], permission_type: 'public', created_by_uuid: t.clientId });
      expect((await t.server.core.audit.forTarget('script', script!.id))[0].action).toBe('script.create');
    });

    it('accepts FalconPy\'s own test shape: content and a file tuple together (content wins)', async () => {
      const res = await send('POST', `${SCRIPTS}/v2`, multipart({ name: 'both', description: 'd', permission_type: 'private', content: 'Write-Output "hi"' }, [{ filename: 'both', bytes: 'application/script' }]));
      expect(res.status).toBe(200);
      expect(res.body.resources[0].content).toBe('Write-Output "hi"');
    });

    it('refuses bad permission types, platforms, names and a missing body', async () => {
      const base = { name: 's-bad', description: 'd', content: 'x' };
      expect((await send('POST', `${SCRIPTS}/v1`, multipart({ ...base, permission_type: 'everyone' }))).status).toBe(400);
      expect((await send('POST', `${SCRIPTS}/v1`, multipart({ ...base, permission_type: 'public', platform: 'solaris' }))).status).toBe(400);
      expect((await send('POST', `${SCRIPTS}/v1`, multipart({ ...base, name: 'a/b', permission_type: 'public' }))).status).toBe(400);
      const noText = await send('POST', `${SCRIPTS}/v1`, multipart({ name: 'empty', description: 'd', permission_type: 'public' }));
      expect(noText.status).toBe(400);
      expect((await send('POST', `${SCRIPTS}/v1`, multipart({ description: 'd', permission_type: 'public', content: 'x' }))).status).toBe(400);
      expect((await send('POST', `${SCRIPTS}/v1`)).status).toBe(415);
    });

    it('refuses a script over the script limit with 413', async () => {
      const res = await send('POST', `${SCRIPTS}/v1`, multipart({ name: 'huge', description: 'd', permission_type: 'public' }, [{ filename: 'huge', bytes: 'x'.repeat(16 * 1024 + 1) }]));
      expect(res.status).toBe(413);
      const asField = await send('POST', `${SCRIPTS}/v1`, multipart({ name: 'huge2', description: 'd', permission_type: 'public', content: 'x'.repeat(16 * 1024 + 1) }));
      expect(asField.status).toBe(413);
    });

    it('keeps private scripts to their owner in list, get, update, delete and getByName', async () => {
      const other = await t.server.core.apiClients.create({ name: 'other admin', scopes: [ADMIN] });
      const otherToken = (await t.api('POST', '/oauth2/token', { form: { client_id: other.client_id, client_secret: other.client_secret } })).body.access_token;
      const mine = await send('POST', `${SCRIPTS}/v2`, multipart({ name: 'mine-only', description: 'd', permission_type: 'private', content: 'id' }));
      const id = mine.body.resources[0].id;
      const theirs = await send('POST', `${SCRIPTS}/v2`, multipart({ name: 'their-group', description: 'd', permission_type: 'group', content: 'id' }), otherToken);
      expect(theirs.status).toBe(200);

      const listed = async (tok: string) => (await send('GET', '/real-time-response/queries/scripts/v1?limit=100', undefined, tok)).body.resources as string[];
      expect(await listed(token)).toContain(id);
      expect(await listed(otherToken)).not.toContain(id);
      expect(await listed(token)).toContain(theirs.body.resources[0].id);
      expect((await send('GET', `${SCRIPTS}/v1?ids=${id}`, undefined, otherToken)).status).toBe(404);
      expect((await send('PATCH', `${SCRIPTS}/v1`, multipart({ id, description: 'hijack' }), otherToken)).status).toBe(404);
      expect((await send('DELETE', `${SCRIPTS}/v1?ids=${id}`, undefined, otherToken)).status).toBe(404);
      const lib = t.server.core.rtrLibrary.scripts;
      expect(await lib.getByName('mine-only', { id: other.client_id })).toBeUndefined();
      expect((await lib.getByName('mine-only', { id: t.clientId }))?.id).toBe(id);
      // Group scripts are for RTR admins only: an active responder running runscript does not see them.
      expect(await lib.getByName('their-group', { id: t.clientId, admin: false })).toBeUndefined();
      // A duplicate name is refused even when the holder is invisible to the caller.
      expect((await send('POST', `${SCRIPTS}/v1`, multipart({ name: 'MINE-ONLY', description: 'd', permission_type: 'private', content: 'x' }), otherToken)).status).toBe(409);
    });

    it('updates text, name, platform and permission (audited with before/after); 404 and 409 on bad targets', async () => {
      const created = await send('POST', `${SCRIPTS}/v2`, multipart({ name: 'upd', description: 'v1', permission_type: 'private', content: 'echo 1' }));
      const id = created.body.resources[0].id;
      const res = await send('PATCH', `${SCRIPTS}/v2`, multipart({ id, name: 'upd2', description: 'v2', platform: 'linux,mac', permission_type: 'public', comments_for_audit_log: 'why' }, [{ filename: 'ignored', bytes: 'echo 2' }]));
      expect(res.status).toBe(200);
      expect(res.body.resources[0]).toMatchObject({ id, name: 'upd2', description: 'v2', platform: ['linux', 'mac'], permission_type: 'public', content: 'echo 2', size: 6 });
      const v1 = await send('PATCH', `${SCRIPTS}/v1`, multipart({ id, content: 'echo 3' }));
      expect(v1.status).toBe(200);
      expect(v1.body.resources).toEqual([]);
      expect((await t.server.core.rtrLibrary.scripts.getMany([id], { id: t.clientId }))[0].content).toBe('echo 3');
      const audit = await t.server.core.audit.forTarget('script', id);
      expect(audit.map((e) => e.action)).toEqual(['script.update', 'script.update', 'script.create']);
      expect(audit[1].before).toMatchObject({ name: 'upd', permission_type: 'private' });
      expect(audit[1].after).toMatchObject({ name: 'upd2', permission_type: 'public' });

      expect((await send('PATCH', `${SCRIPTS}/v1`, multipart({ id: 'f'.repeat(32), description: 'x' }))).status).toBe(404);
      await send('POST', `${SCRIPTS}/v1`, multipart({ name: 'taken', description: 'd', permission_type: 'public', content: 'x' }));
      expect((await send('PATCH', `${SCRIPTS}/v1`, multipart({ id, name: 'Taken' }))).status).toBe(409);
      expect((await send('PATCH', `${SCRIPTS}/v1`, multipart({ description: 'no id' }))).status).toBe(400);
    });

    it('lists by platform and permission with FQL; deletes', async () => {
      const ids: string[] = [];
      for (const [name, platform] of [['fql-lin', 'linux'], ['fql-win', 'windows'], ['fql-both', 'linux,windows']]) {
        ids.push((await send('POST', `${SCRIPTS}/v2`, multipart({ name, description: 'd', permission_type: 'public', content: 'x', platform }))).body.resources[0].id);
      }
      const q = await send('GET', `/real-time-response/queries/scripts/v1?filter=${encodeURIComponent("platform:'linux'+name:*'fql-*'")}&sort=name.asc`);
      expect(q.body.resources).toEqual([ids[2], ids[0]]);
      const del = await send('DELETE', `${SCRIPTS}/v1?ids=${ids[0]}`);
      expect(del.status).toBe(200);
      expect((await send('GET', `${SCRIPTS}/v2?ids=${ids[0]}`)).status).toBe(404);
      expect((await send('DELETE', `${SCRIPTS}/v1`)).status).toBe(400);
    });
  });

  describe('falcon scripts', () => {
    it('lists the built-in scripts with FQL and returns them with their text', async () => {
      const all = await send('GET', '/real-time-response/queries/falcon-scripts/v1');
      expect(all.status).toBe(200);
      expect(all.body.resources.length).toBeGreaterThanOrEqual(3);
      const linux = await send('GET', `/real-time-response/queries/falcon-scripts/v1?filter=${encodeURIComponent("platform:'linux'")}&sort=name.asc`);
      const got = await send('GET', `/real-time-response/entities/falcon-scripts/v1?ids=${linux.body.resources.join(',')}`);
      expect(got.body.resources.map((s: any) => s.name)).toEqual(['persistence-linux', 'triage-linux']);
      const triage = got.body.resources[1];
      expect(triage).toMatchObject({ platform: 'linux', is_disruptive: false, revision: 1 });
      expect(triage.content).toContain('listening sockets');
      expect(triage.sha256).toBe(crypto.createHash('sha256').update(triage.content).digest('hex'));
      const win = await t.server.core.rtrLibrary.falconScripts.getByName('Triage-Windows');
      expect(win?.content).toContain('Get-NetTCPConnection');
    });

    it('404s unknown ids and rejects bad filters', async () => {
      expect((await send('GET', `/real-time-response/entities/falcon-scripts/v1?ids=${'0'.repeat(32)}`)).status).toBe(404);
      expect((await send('GET', `/real-time-response/queries/falcon-scripts/v1?filter=${encodeURIComponent('name:')}`)).status).toBe(400);
    });
  });
});
