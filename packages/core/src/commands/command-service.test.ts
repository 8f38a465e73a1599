import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../index.ts';
import { openTestCoreWithHost } from '../testing/core.ts';
import type { CommandRecord } from './index.ts';

// What the command engine keeps in memory must read exactly like the database: the records a
// waiter gets from memory are compared with the rows, field by field.
describe('CommandService (memory and database agree)', () => {
  let core: Core;
  let host: string;

  beforeAll(async () => {
    ({ core, host } = await openTestCoreWithHost());
  });
  afterAll(async () => {
    await core?.close();
  });

  const issue = (name = 'pwd') => core.commands.issue({ device_id: host, name, args: { path: '.' }, cwd: '/tmp', issued_by: 'test' });
  /** The command as its row reads, bypassing everything kept in memory. */
  const row = async (id: string): Promise<Partial<CommandRecord>> => {
    const r = await core.store.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { status: r.status as CommandRecord['status'], sent_at: r.sent_at, completed_at: r.completed_at, result: r.result ? JSON.parse(r.result) : null, result_cwd: r.result_cwd };
  };

  it('tells listeners of stored commands at once, with their arguments', async () => {
    const heard: CommandRecord[] = [];
    const off = core.commands.onIssued((cs) => heard.push(...cs));
    const c = await issue('ls');
    off();
    expect(heard.map((h) => h.id)).toEqual([c.id]);
    expect(heard[0]).toMatchObject({ name: 'ls', args: { path: '.' }, status: 'queued', device_id: host });
    expect(await row(c.id)).toMatchObject({ status: 'queued' });
  });

  it('answers a completed command from memory exactly as the database has it, sent_at included', async () => {
    const c = await issue();
    core.commands.markSent(c.id, host);
    const waiting = core.commands.wait(c.id, 5000);
    expect(await core.commands.complete(c.id, host, { ok: true, data: { path: '/tmp' }, cwd: '/tmp' })).toBe(true);
    const done = await waiting;
    expect(done).toMatchObject({ status: 'complete', result: { path: '/tmp' }, result_cwd: '/tmp' });
    expect(done.sent_at).not.toBeNull();
    expect(await row(c.id)).toEqual({ status: done.status, sent_at: done.sent_at, completed_at: done.completed_at, result: done.result, result_cwd: done.result_cwd });
  });

  it('records a result as sent even when no sent mark was taken, and a late second result changes nothing', async () => {
    const c = await issue();
    expect(await core.commands.complete(c.id, host, { ok: false, error: { code: 'failed', message: 'no' }, cwd: '/' })).toBe(true);
    expect(await core.commands.complete(c.id, host, { ok: true, data: {}, cwd: '/' })).toBe(false);
    const [done] = await core.commands.getMany([c.id]);
    expect(done).toMatchObject({ status: 'error', error: { code: 'failed', message: 'no' } });
    expect(done.sent_at).toBe(done.completed_at);
    expect(await row(c.id)).toMatchObject({ status: 'error', sent_at: done.sent_at });
  });

  it('reads from the database what ended by other means (cancel), never a stale memory', async () => {
    const c = await issue();
    const waiting = core.commands.wait(c.id, 5000);
    await core.commands.cancel(c.id);
    expect(await waiting).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect((await core.commands.getMany([c.id]))[0].status).toBe('cancelled');
  });

  it('writes a pending sent mark when the command does not answer in time', async () => {
    const c = await issue();
    core.commands.markSent(c.id, host);
    await core.commands.flush();
    expect(await row(c.id)).toMatchObject({ status: 'sent' });
    expect((await row(c.id)).sent_at).not.toBeNull();
  });

  it('offers the sweeper old queued commands of online hosts only, oldest first', async () => {
    const away = (await core.hosts.register({ hostname: 'away', platform_name: 'Linux' })).device_id;
    const waiting = await core.commands.issue({ device_id: away, name: 'pwd', args: {}, cwd: '/', issued_by: 'test', queue_offline: true });
    const older = await issue();
    const newer = await issue();
    const age = (id: string, ms: number) => core.store.db.updateTable('commands').set({ created_at: new Date(Date.now() - ms).toISOString() }).where('id', '=', id).execute();
    await age(waiting.id, 60_000);
    await age(older.id, 30_000);
    await age(newer.id, 10_000);
    const ids = (await core.commands.queuedOlderThan(2000)).map((c) => c.id);
    expect(ids).not.toContain(waiting.id);
    expect(ids.indexOf(older.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    // Once its host comes online, the waiting one is offered too.
    await core.hosts.setOnline(away, true);
    expect((await core.commands.queuedOlderThan(2000)).map((c) => c.id)).toContain(waiting.id);
  });

  it('pages through a device\'s pending commands, oldest first', async () => {
    const device = (await core.hosts.register({ hostname: 'pager', platform_name: 'Linux' })).device_id;
    await core.hosts.setOnline(device, true);
    const { commands } = await core.commands.issueMany(Array.from({ length: 5 }, () => ({ device_id: device, name: 'pwd', cwd: '/', issued_by: 'test' })));
    const all = await core.commands.pendingFor(device);
    expect(all.map((c) => c.id).sort()).toEqual(commands.map((c) => c.id).sort());
    const rest = await core.commands.pendingFor(device, all[1]);
    expect(rest.map((c) => c.id)).toEqual(all.slice(2).map((c) => c.id));
    expect(await core.commands.pendingFor(device, all[4])).toEqual([]);
  });

  it('offers the sweeper only the commands made since a time, when asked', async () => {
    const pause = () => new Promise((r) => setTimeout(r, 5));
    const earlier = await issue();
    await pause();
    const since = Date.now();
    const later = await issue();
    await pause();
    const recent = (await core.commands.queuedOlderThan(0, { madeSince: since })).map((c) => c.id);
    expect(recent).toContain(later.id);
    expect(recent).not.toContain(earlier.id);
    expect((await core.commands.queuedOlderThan(0)).map((c) => c.id)).toEqual(expect.arrayContaining([earlier.id, later.id]));
  });

  it('stores every result of a batch when one cannot be serialised or carries NUL characters', async () => {
    const [good, nul, circular] = [await issue(), await issue(), await issue()];
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    // Added together, so the three share one write.
    const applied = await Promise.all([
      core.commands.complete(good.id, host, { ok: true, data: { cwd: '/tmp' }, cwd: '/tmp' }),
      core.commands.complete(nul.id, host, { ok: false, error: { code: 'failed', message: 'bad\0bytes' }, cwd: '/t\0mp' }),
      core.commands.complete(circular.id, host, { ok: true, data: loop, cwd: '/tmp' }),
    ]);
    expect(applied).toEqual([true, true, true]);
    expect(await row(good.id)).toMatchObject({ status: 'complete', result: { cwd: '/tmp' } });
    expect(await row(nul.id)).toMatchObject({ status: 'error', result_cwd: '/t\uFFFDmp' });
    expect((await core.commands.get(nul.id))!.error).toEqual({ code: 'failed', message: 'bad\uFFFDbytes' });
    expect((await core.commands.get(circular.id))!).toMatchObject({ status: 'error', error: { code: 'invalid_result', message: expect.stringMatching(/could not be stored/) } });
  });

  it('marks a command sent or running only for the host it belongs to', async () => {
    const other = (await core.hosts.register({ hostname: 'other', platform_name: 'Linux' })).device_id;
    const c = await issue();
    await core.commands.markRunning(c.id, other);
    expect(await row(c.id)).toMatchObject({ status: 'queued' });
    await core.commands.markRunning(c.id, host);
    expect(await row(c.id)).toMatchObject({ status: 'running' });
    const d = await issue();
    core.commands.markSent(d.id, other);
    await core.commands.flush();
    expect(await row(d.id)).toMatchObject({ status: 'queued' });
    core.commands.markSent(d.id, host);
    await core.commands.flush();
    expect(await row(d.id)).toMatchObject({ status: 'sent' });
  });
});
