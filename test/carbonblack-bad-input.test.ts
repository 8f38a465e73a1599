import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord } from '@riposte/core';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';
import { cbClient, type CbClient } from './support/carbonblack.ts';

const MAX_UPLOAD = 4096;

/** Every error of the dialect: its envelope, the status, and a message saying what was wrong. */
function expectError(res: { status: number; body: any }, status: number, code: string, message: RegExp): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { success: false, error_code: code } });
  expect(res.body.message).toMatch(message);
  expect(Object.keys(res.body).sort()).toEqual(['error_code', 'message', 'success']);
}

// Bad input to the Carbon Black dialect: the documented status in its own envelope, never a 500.
// Devices are registered hosts without agents, so sessions stay PENDING and commands queue.
describe('Carbon Black dialect: bad input', () => {
  let t: TestServer;
  let cb: CbClient;
  let hosts: HostRecord[];
  let linux: HostRecord;
  let sid: string;

  beforeAll(async () => {
    t = await startTestServer({ maxCbUploadBytes: MAX_UPLOAD });
    cb = await cbClient(t);
    hosts = await seedHosts(t.server.core, 3);
    linux = hosts.find((h) => h.platform_name === 'Linux')!;
    sid = (await cb.lr('POST', '/sessions', { json: { device_id: linux.cb_device_id } })).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a missing or wrong X-Auth-Token (401), another org (404), a missing permission (403)', async () => {
    const path = `/appservices/v6/orgs/${cb.orgKey}/liveresponse/sessions`;
    expectError(await t.api('GET', path), 401, 'Unauthorized', /X-Auth-Token/);
    for (const token of ['nonsense', 'a/b', `${cb.token}x`, `/${cb.token.split('/')[1]}`, `${cb.token.split('/')[0]}/`]) {
      expectError(await t.api('GET', path, { headers: { 'x-auth-token': token } }), 401, 'Unauthorized', /X-Auth-Token/);
    }
    expectError(await t.api('GET', '/appservices/v6/orgs/NOTMYORG/liveresponse/sessions', { headers: { 'x-auth-token': cb.token } }), 404, 'NotFound', /Org Not Found/);
    const reader = await cbClient(t, ['org.liveresponse.session:READ']);
    expectError(await reader.lr('POST', '/sessions', { json: { device_id: linux.cb_device_id } }), 403, 'Forbidden', /lacks permission org\.liveresponse\.session \(CREATE\)/);
    expectError(await reader.api('GET', `/devices/${linux.cb_device_id}`), 403, 'Forbidden', /device \(READ\)/);
    expectError(await reader.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'directory list', path: '/' } }), 403, 'Forbidden', /org\.liveresponse\.file \(READ\).*directory list/);
    expectError(await reader.lr('POST', '/kill', { json: [linux.cb_device_id] }), 403, 'Forbidden', /org\.liveresponse \(DELETE\)/);
    const revoked = await t.server.core.carbonblack.apiKeys.create({ name: 'gone', grants: ['org.liveresponse.session:READ'] });
    await t.server.core.carbonblack.apiKeys.revoke(revoked.id);
    expectError(await t.api('GET', path, { headers: { 'x-auth-token': `${revoked.api_secret}/${revoked.id}` } }), 401, 'Unauthorized', /X-Auth-Token/);
  });

  it('answers non-numeric and unknown device ids with 404, a wrong type with 400', async () => {
    expectError(await cb.api('GET', '/devices/abc'), 404, 'NotFound', /device abc not found/);
    expectError(await cb.api('GET', '/devices/99999999'), 404, 'NotFound', /not found/);
    expectError(await cb.lr('POST', '/sessions', { json: { device_id: 99999999 } }), 404, 'NotFound', /device 99999999 not found/);
    expectError(await cb.lr('POST', '/sessions', { json: { device_id: 'abc' } }), 400, 'BadRequest', /device_id/);
    expectError(await cb.lr('POST', '/sessions', { json: {} }), 400, 'BadRequest', /device_id/);
    expectError(await cb.lr('POST', '/sessions', { json: { device_id: 1, extra: true } }), 400, 'BadRequest', /unknown body field "extra"/);
    expectError(await cb.lr('POST', '/sessions', { body: '{"device_id":', headers: { 'content-type': 'application/json' } }), 400, 'BadRequest', /malformed JSON/);
    expectError(await cb.lr('POST', '/kill', { json: ['x'] }), 400, 'BadRequest', /invalid request/);
    expectError(await cb.lr('POST', '/kill', { json: [99999999] }), 404, 'NotFound', /not found/);
    expectError(await cb.api('POST', '/devices/_search', { json: { criteria: { policy_id: [1] } } }), 400, 'BadRequest', /policy_id.*not supported/);
    expectError(await cb.api('POST', '/devices/_search', { json: { sort: [{ field: 'color' }] } }), 400, 'BadRequest', /cannot sort by "color"/);
    expectError(await cb.api('POST', '/devices/_search', { json: { criteria: { last_contact_time: { range: 'yesterday' } } } }), 400, 'BadRequest', /range/);
    expectError(await cb.api('GET', '/nothing/here'), 404, 'NotFound', /no route/);
  });

  it('answers malformed, unknown and closed session ids with 404', async () => {
    for (const bad of ['abc', '1', `1:${linux.cb_device_id + 1000}`, '99999:1', `${sid}x`]) {
      expectError(await cb.lr('GET', `/sessions/${encodeURIComponent(bad)}`), 404, 'NotFound', /session .* not found/);
    }
  });

  it('rejects unknown commands, missing fields, registry commands off Windows, and wait out of range', async () => {
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'format disk', path: '/' } }), 400, 'BadRequest', /unknown command "format disk"; commands are: directory list/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'directory list' } }), 400, 'BadRequest', /needs the field path/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'kill' } }), 400, 'BadRequest', /needs the field pid/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'kill', object: 'abc' } }), 400, 'BadRequest', /numeric pid/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'put file', path: '/tmp/x' } }), 400, 'BadRequest', /needs the field file_id/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'put file', path: '/tmp/x', file_id: 'nope' } }), 400, 'BadRequest', /not a file uploaded to this session/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'reg enum key', path: 'HKLM\\SOFTWARE' } }), 400, 'BadRequest', /not supported on linux devices/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'directory list', path: '/', colour: 'red' } }), 400, 'BadRequest', /unknown body field "colour"/);
    expectError(await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'directory list', path: { a: 1 } } }), 400, 'BadRequest', /path/);
    const issued = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'directory list', path: '/etc' } });
    expect(issued.status).toBe(201);
    for (const wait of ['-1', '121', 'abc', '1.5']) {
      expectError(await cb.lr('GET', `/sessions/${sid}/commands/${issued.body.id}?wait=${wait}`), 400, 'BadRequest', /wait/);
    }
    expectError(await cb.lr('GET', `/sessions/${sid}/commands/${issued.body.id}?colour=red`), 400, 'BadRequest', /unknown query parameter "colour"/);
    expectError(await cb.lr('GET', `/sessions/${sid}/commands/999`), 404, 'NotFound', /command 999 not found/);
    expectError(await cb.lr('GET', `/sessions/${sid}/commands/abc`), 404, 'NotFound', /command abc not found/);
  });

  it('refuses registry values it cannot honour on Windows', async () => {
    const windows = hosts.find((h) => h.platform_name === 'Windows')!;
    const wsid = (await cb.lr('POST', '/sessions', { json: { device_id: windows.cb_device_id } })).body.id;
    expectError(await cb.lr('POST', `/sessions/${wsid}/commands`, { json: { name: 'reg set value', path: 'HKLM\\SOFTWARE\\X\\Y', value_data: 'z', overwrite: false } }), 400, 'BadRequest', /overwrite: false is not supported/);
    expectError(await cb.lr('POST', `/sessions/${wsid}/commands`, { json: { name: 'reg query value', path: 'HKLM' } }), 400, 'BadRequest', /registry key followed by/);
    expect((await cb.lr('DELETE', `/sessions/${wsid}`)).status).toBe(204);
  });

  it('refuses to cancel a command that has ended', async () => {
    const issued = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'process list' } });
    const row = await t.server.core.store.db.selectFrom('cb_commands').select('command_id').where('seq', '=', issued.body.id).executeTakeFirstOrThrow();
    // Play the host: the command completes.
    expect(await t.server.core.commands.complete(row.command_id, linux.device_id, { ok: true, data: { processes: [] }, cwd: '/' })).toBe(true);
    const res = await cb.lr('DELETE', `/sessions/${sid}/commands/${issued.body.id}`);
    expectError(res, 400, 'BadRequest', /is COMPLETE; only PENDING commands can be cancelled/);
  });

  it('keeps each session\'s files to itself, refuses oversize and empty uploads', async () => {
    const mac = hosts.find((h) => h.platform_name === 'Mac')!;
    const other = (await cb.lr('POST', '/sessions', { json: { device_id: mac.cb_device_id } })).body.id;
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('secret')]), 'a.txt');
    const up = await cb.lr('POST', `/sessions/${sid}/files`, { body: form });
    expect(up.status).toBe(201);
    expectError(await cb.lr('GET', `/sessions/${other}/files/${up.body.id}/content`), 404, 'NotFound', /not found in this session/);
    expectError(await cb.lr('GET', `/sessions/${other}/files/${up.body.id}`), 404, 'NotFound', /not found in this session/);
    expectError(await cb.lr('DELETE', `/sessions/${other}/files/${up.body.id}`), 404, 'NotFound', /not found in this session/);
    expectError(await cb.lr('POST', `/sessions/${other}/commands`, { json: { name: 'put file', path: '/tmp/a', file_id: up.body.id } }), 400, 'BadRequest', /not a file uploaded to this session/);

    const big = new FormData();
    big.append('file', new Blob([Buffer.alloc(MAX_UPLOAD + 1)]), 'big.bin');
    expectError(await cb.lr('POST', `/sessions/${sid}/files`, { body: big }), 413, 'PayloadTooLarge', /limit/);
    const none = new FormData();
    none.append('name', 'x.txt');
    expectError(await cb.lr('POST', `/sessions/${sid}/files`, { body: none }), 400, 'BadRequest', /missing the file part "file"/);
    expectError(await cb.lr('POST', `/sessions/${sid}/files`, { body: 'plain', headers: { 'content-type': 'text/plain' } }), 415, 'UnsupportedMediaType', /.+/);
    const listed = await cb.lr('GET', `/sessions/${sid}/files`);
    expect(listed.body.map((f: any) => f.file_name)).toEqual(['a.txt']);
  });

  it('answers a disabled device\'s session with 403, and the sessions list never 500s', async () => {
    const windows = hosts.find((h) => h.platform_name === 'Windows')!;
    expect((await cb.lr('POST', '/kill', { json: [windows.cb_device_id] })).status).toBe(200);
    expectError(await cb.lr('POST', '/sessions', { json: { device_id: windows.cb_device_id } }), 403, 'Forbidden', /disabled/);
    expect((await cb.lr('GET', '/sessions')).status).toBe(200);
    // Stored: a fresh core over the same database still refuses.
    expect(await t.server.core.carbonblack.devices.isDisabled(windows.device_id)).toBe(true);
  });
});
