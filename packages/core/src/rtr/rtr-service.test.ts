import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../index.ts';
import { openTestStore } from '../testing/db.ts';
import type { Actor } from '../actor.ts';
import { SESSION_IDLE_MS } from './index.ts';

// The RTR rules that hold whatever the dialect: ownership, directory tracking, pending files,
// bulk batch writes that leave nothing behind on failure.
describe('RtrService', () => {
  let core: Core;
  let linux: string;
  let windows: string;
  const me: Actor = { id: 'client-a', name: 'A' };
  const them: Actor = { id: 'client-b', name: 'B' };

  beforeAll(async () => {
    core = await createCore(await openTestStore());
    linux = (await core.hosts.register({ hostname: 'tux', platform_name: 'Linux' })).device_id;
    windows = (await core.hosts.register({ hostname: 'win', platform_name: 'Windows' })).device_id;
    // `get` is off in the default response policy; these tests are about RTR, not policies.
    const linuxDefault = await core.responsePolicies.query({ filter: "name:'platform_default'+platform_name:'Linux'" });
    await core.responsePolicies.update([{ id: linuxDefault.ids[0], settings: [{ id: 'GetCommand', value: { enabled: true } }] }], { id: 'test', name: 'test' });
  });
  afterAll(async () => {
    await core?.close();
  });

  const complete = (id: string, deviceId: string, data: Record<string, unknown>, cwd = '/') => core.commands.complete(id, deviceId, { ok: true, data, cwd });

  it('opens queued sessions for offline hosts at the platform root, for their owner only', async () => {
    await expect(core.rtr.sessions.open({ device_id: linux }, me)).rejects.toMatchObject({ status: 404, kind: 'host_offline' });
    const { session } = await core.rtr.sessions.open({ device_id: windows, queue_offline: true }, me);
    expect(session).toMatchObject({ pwd: 'C:\\', platform: 'windows', offline_queued: true, client_id: 'client-a' });
    // Queued sessions live for a week; touching never shortens that.
    const week = Date.parse(session.expires_at);
    expect(week - Date.now()).toBeGreaterThan(6 * 24 * 3600_000);
    await core.rtr.sessions.touch([session.id]);
    expect(Date.parse((await core.rtr.sessions.get(session.id, me)).expires_at)).toBe(week);
    await expect(core.rtr.sessions.get(session.id, them)).rejects.toMatchObject({ status: 404, kind: 'not_found' });
  });

  it('follows the latest completed cd, ignoring failed ones', async () => {
    const { session } = await core.rtr.sessions.open({ device_id: linux, queue_offline: true }, me);
    expect(Date.parse(session.expires_at) - Date.now()).toBeGreaterThan(SESSION_IDLE_MS); // offline: queued
    const item = (line: string, args: Record<string, unknown>) => ({ session, base_command: 'cd', command_string: line, tier: 'read', name: 'cd', args, timeout_ms: 1000, queue_offline: true });
    const a = await core.rtr.log.issue([item('cd /var', { path: '/var' })], me);
    const b = await core.rtr.log.issue([item('cd nope', { path: 'nope' })], me);
    await complete(a.issued[0].command.id, linux, { cwd: '/var' }, '/var');
    await core.commands.complete(b.issued[0].command.id, linux, { ok: false, error: { code: 'not_found', message: 'nope' }, cwd: '/var' });
    await core.commands.flush();
    const s = await core.rtr.sessions.get(session.id, me);
    await core.rtr.sessions.settlePwd([s]);
    expect(s.pwd).toBe('/var');
    expect((await core.rtr.sessions.get(session.id, me)).pwd).toBe('/var');
    // The next command runs there, and the log remembers where each ran.
    const next = await core.rtr.log.issue([{ ...item('ls', {}), session: s, name: 'ls', base_command: 'ls' }], me);
    expect(next.issued[0].command.cwd).toBe('/var');
    expect((await core.rtr.log.forSessions([session.id])).map((e) => e.current_directory)).toEqual(['/', '/', '/var']);
  });

  it('records a get as pending and completes it from the upload the command made, not from what the result claims', async () => {
    const { session } = await core.rtr.sessions.open({ device_id: linux, queue_offline: true }, me);
    const getItem = { session, base_command: 'get', command_string: 'get /etc/hosts', tier: 'active', name: 'get', args: { path: '/etc/hosts' }, timeout_ms: 1000, queue_offline: true, file: { path: '/etc/hosts', name: 'hosts' } };
    const res = await core.rtr.log.issue([getItem], me);
    expect(res.refused).toEqual([]);
    expect(await core.rtr.files.list(session.id, me)).toEqual([]);
    expect((await core.rtr.files.list(session.id, me, { includePending: true }))[0]).toMatchObject({ status: 'pending', name: 'hosts' });
    const id = res.issued[0].command.id;
    const stored = await core.blobs.put(Readable.from([Buffer.from('127.0.0.1 x\n')]));
    const upload = await core.transfers.mint({ command_id: id, device_id: linux, direction: 'upload' });
    await core.transfers.complete(upload.id, stored);
    // The result names another blob and size: the record keeps what the server received.
    await complete(id, linux, { path: '/etc/hosts', name: 'hosts', size: 999, sha256: 'ab'.repeat(32) });
    await core.commands.flush();
    const [file] = await core.rtr.files.list(session.id, me);
    expect(file).toMatchObject({ status: 'complete', sha256: stored.sha256, size: 12 });
    expect(await core.rtr.files.find(session.id, stored.sha256.toUpperCase(), me)).toMatchObject({ id: file.id });
    await expect(core.rtr.files.find(session.id, 'ab'.repeat(32), me)).rejects.toMatchObject({ status: 404 });
    await expect(core.rtr.files.list(session.id, them)).rejects.toMatchObject({ status: 404 });

    // A get reported complete without any upload of its own is recorded as an error.
    const again = await core.rtr.log.issue([getItem], me);
    await complete(again.issued[0].command.id, linux, { path: '/etc/hosts', name: 'hosts', size: 12, sha256: stored.sha256 });
    await core.commands.flush();
    const files = await core.rtr.files.list(session.id, me, { includePending: true });
    expect(files.find((f) => f.command_id === again.issued[0].command.id)).toMatchObject({ status: 'error', error_message: expect.stringMatching(/no upload/) });
  });

  it('writes nothing when no host of a batch can have a session', async () => {
    const before = await core.store.db.selectFrom('rtr_batches').select('id').execute();
    const res = await core.rtr.batches.init([linux, 'f'.repeat(32)], me, { queue_offline: false });
    expect(res.batch).toBeUndefined();
    expect(res.refused.map((r) => r.error.kind).sort()).toEqual(['host_offline', 'not_found']);
    expect(await core.store.db.selectFrom('rtr_batches').select('id').execute()).toEqual(before);
    const ok = await core.rtr.batches.init([linux, windows], me, { queue_offline: true });
    expect(ok.batch!.sessions.map((s) => s.device_id).sort()).toEqual([linux, windows].sort());
    await expect(core.rtr.batches.get(ok.batch!.id, them)).rejects.toMatchObject({ status: 404 });
  });

  it('keeps the whole output of a run as a file of its session, once, for the session owner only', async () => {
    const linuxDefault = await core.responsePolicies.query({ filter: "name:'platform_default'+platform_name:'Linux'" });
    await core.responsePolicies.update([{ id: linuxDefault.ids[0], settings: [{ id: 'CustomScripts', value: { enabled: true } }, { id: 'ExecCommand', value: { enabled: true } }] }], { id: 'test', name: 'test' });
    const { session } = await core.rtr.sessions.open({ device_id: linux, queue_offline: true }, me);
    const run = { session, base_command: 'runscript', command_string: 'runscript -Raw=```yes```', tier: 'admin', name: 'runscript', args: {}, timeout_ms: 1000, queue_offline: true };
    const issued = await core.rtr.log.issue([run], me);
    const id = issued.issued[0].command.id;
    const file = { sha256: 'c'.repeat(64), size: 20 * 1024 * 1024 };
    expect(await core.rtr.outputs.record(id, file)).toBe(true);
    expect(await core.rtr.outputs.record(id, file)).toBe(true); // a re-sent result: still one file
    const files = await core.rtr.files.list(session.id, me);
    expect(files).toEqual([expect.objectContaining({ name: `runscript-${id}.stdout.txt`, sha256: file.sha256, size: file.size, status: 'complete', client_id: 'client-a' })]);
    await expect(core.rtr.files.list(session.id, them)).rejects.toMatchObject({ status: 404 });
    // A command outside any RTR session has nowhere to be listed.
    const bare = await core.commands.issue({ device_id: linux, name: 'run', args: {}, issued_by: 'test', queue_offline: true });
    expect(await core.rtr.outputs.record(bare.id, file)).toBe(false);
  });
});
