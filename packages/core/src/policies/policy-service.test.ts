import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../index.ts';
import { openStore } from '../db/index.ts';
import { createTestDatabaseUrl } from '../testing/db.ts';
import type { HostRecord } from '../hosts/index.ts';
import type { ServiceError } from '../util/errors.ts';
import { candidateSetId } from './candidate-sets.ts';
import type { Actor } from '../actor.ts';
import type { ResponsePolicy } from './index.ts';

const actor: Actor = { id: 'client-1', name: 'tester' };
const on = (...ids: string[]) => ids.map((id) => ({ id, value: { enabled: true } }));
const off = (...ids: string[]) => ids.map((id) => ({ id, value: { enabled: false } }));

async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected a failure');
}

describe('ResponsePolicyService', () => {
  let core: Core;
  let url: string;
  let drop: () => Promise<void>;
  let win: HostRecord[];
  let linux: HostRecord;
  const defaults = new Map<string, ResponsePolicy>();

  const effectiveName = async (deviceId: string) => {
    const e = (await core.responsePolicies.effective([deviceId])).get(deviceId)!;
    return e.policy_name;
  };

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabaseUrl());
    core = await createCore(await openStore({ url, poolSize: 4 }));
    win = [];
    for (let i = 0; i < 3; i++) win.push(await core.hosts.register({ hostname: `win-${i}`, platform_name: 'Windows' }));
    linux = await core.hosts.register({ hostname: 'tux', platform_name: 'Linux' });
    const page = await core.responsePolicies.query({ filter: "name:'platform_default'" });
    for (const p of await core.responsePolicies.get(page.ids)) defaults.set(p.platform_name, p);
  });
  afterAll(async () => {
    await core.close();
    await drop();
  });

  it('has an enabled platform_default per platform, last in precedence, on every host', async () => {
    expect([...defaults.keys()].sort()).toEqual(['Linux', 'Mac', 'Windows']);
    const d = defaults.get('Windows')!;
    expect(d).toMatchObject({ enabled: true, is_default: true, groups: [] });
    expect(d.settings).toMatchObject({ RealTimeFunctionality: true, GetCommand: false, ExecCommand: false, MemDumpCommand: false });
    expect(await effectiveName(win[0].device_id)).toBe('platform_default');
    // The migration's set ids follow the service's formula.
    const sets = await core.store.db.selectFrom('response_policy_sets').select('id').execute();
    expect(sets.map((s) => s.id)).toContain(candidateSetId('Windows', []));
    // Read-only commands allowed, high-risk ones refused by the default.
    await core.guard.check(win[0].device_id, 'session');
    await core.guard.check(win[0].device_id, 'command');
    const err = await failure(core.guard.check(win[0].device_id, 'get'));
    expect(err.status).toBe(403);
    expect(err.message).toBe(`response policy "platform_default" (id ${d.id}) disables GetCommand (get) on this host`);
  });

  it('applies the first enabled policy in precedence order attached to one of the host groups', async () => {
    const [group] = await core.hostGroups.create([{ name: 'servers', group_type: 'static' }], { id: 'test' });
    await core.hostGroups.changeMembers('add-hosts', [group.id], `device_id:['${win[0].device_id}','${win[1].device_id}']`, { id: 'test' });
    const [open, lockdown] = await core.responsePolicies.create(
      [
        { name: 'Open', platform_name: 'windows', settings: on('RealTimeFunctionality', 'GetCommand', 'PutCommand', 'ExecCommand') },
        { name: 'Lockdown', platform_name: 'Windows', description: 'no get', settings: on('RealTimeFunctionality') },
      ],
      actor,
    );
    expect(open).toMatchObject({ platform_name: 'Windows', enabled: false, precedence: 1, created_by: 'tester' });
    expect(lockdown.precedence).toBe(2);
    await core.responsePolicies.act('add-host-group', [open.id, lockdown.id], [group.id], actor);
    // Disabled policies decide nothing.
    expect(await effectiveName(win[0].device_id)).toBe('platform_default');
    await core.responsePolicies.act('enable', [lockdown.id], [], actor);
    expect(await effectiveName(win[0].device_id)).toBe('Lockdown');
    await core.responsePolicies.act('enable', [open.id], [], actor);
    expect(await effectiveName(win[0].device_id)).toBe('Open');
    await core.guard.check(win[0].device_id, 'get');
    expect(await effectiveName(win[2].device_id)).toBe('platform_default');

    await core.responsePolicies.setPrecedence('Windows', [lockdown.id, open.id], actor);
    expect(await effectiveName(win[1].device_id)).toBe('Lockdown');
    const err = await failure(core.guard.check(win[1].device_id, 'get'));
    expect(err.message).toBe(`response policy "Lockdown" (id ${lockdown.id}) disables GetCommand (get) on this host`);
    expect((await core.responsePolicies.members(lockdown.id, {})).ids.sort()).toEqual([win[0].device_id, win[1].device_id].sort());
    expect((await core.responsePolicies.members(open.id, {})).total).toBe(0);
    const defaultMembers = await core.responsePolicies.members(defaults.get('Windows')!.id, {});
    expect(defaultMembers.ids).toEqual([win[2].device_id]);
    expect((await core.responsePolicies.members(lockdown.id, { filter: `hostname:'win-1'` })).ids).toEqual([win[1].device_id]);

    await core.responsePolicies.setPrecedence('Windows', [open.id, lockdown.id], actor);
    await core.guard.check(win[1].device_id, 'get');
    await core.responsePolicies.act('disable', [open.id], [], actor);
    expect(await effectiveName(win[1].device_id)).toBe('Lockdown');
    await core.responsePolicies.act('enable', [open.id], [], actor);

    // A Linux host in the same group is untouched by Windows policies.
    await core.hostGroups.changeMembers('add-hosts', [group.id], `device_id:'${linux.device_id}'`, { id: 'test' });
    await core.responsePolicies.settled();
    expect(await effectiveName(linux.device_id)).toBe('platform_default');

    // Membership changes made by the host-group service move hosts (announced on the event bus).
    await core.hostGroups.changeMembers('remove-hosts', [group.id], `device_id:'${win[0].device_id}'`, { id: 'test' });
    await core.responsePolicies.settled();
    expect(await effectiveName(win[0].device_id)).toBe('platform_default');
    await core.hostGroups.changeMembers('add-hosts', [group.id], `device_id:'${win[0].device_id}'`, { id: 'test' });
    await core.responsePolicies.settled();
    expect(await effectiveName(win[0].device_id)).toBe('Open');

    // Deleting the group sends its members back to the default.
    await core.hostGroups.delete([group.id]);
    await core.responsePolicies.settled();
    expect(await effectiveName(win[0].device_id)).toBe('platform_default');
    const [after] = await core.responsePolicies.get([open.id]);
    expect(after.groups).toEqual([]);
  });

  it('follows dynamic groups as hosts register and change', async () => {
    const [dyn] = await core.hostGroups.create([{ name: 'dyn-db', group_type: 'dynamic', assignment_rule: "hostname:*'db-*'" }], { id: 'test' });
    const [p] = await core.responsePolicies.create([{ name: 'Databases', platform_name: 'Linux', settings: on('RealTimeFunctionality', 'ExecCommand') }], actor);
    await core.responsePolicies.act('add-host-group', [p.id], [dyn.id], actor);
    await core.responsePolicies.act('enable', [p.id], [], actor);
    const db1 = await core.hosts.register({ hostname: 'db-1', platform_name: 'Linux' });
    await core.responsePolicies.settled();
    expect(await effectiveName(db1.device_id)).toBe('Databases');
    await core.guard.check(db1.device_id, 'run');
    await core.hosts.updateFacts(db1.device_id, { hostname: 'web-1', platform_name: 'Linux' });
    await core.responsePolicies.settled();
    expect(await effectiveName(db1.device_id)).toBe('platform_default');
    // A host that changes platform moves to the other platform's policies.
    await core.hosts.updateFacts(db1.device_id, { hostname: 'db-1', platform_name: 'Mac' });
    await core.responsePolicies.settled();
    const e = (await core.responsePolicies.effective([db1.device_id])).get(db1.device_id)!;
    expect(e).toMatchObject({ policy_name: 'platform_default', platform_name: 'Mac', is_default: true });
    // A rule change re-evaluates the group (the event is announced inside the writer's transaction).
    await core.hostGroups.update([{ id: dyn.id, assignment_rule: "hostname:*'db-*'+platform_name:'Mac'" }], { id: 'test' });
    await core.responsePolicies.settled();
    expect(await effectiveName(db1.device_id)).toBe('platform_default');
  });

  it('enforces RealTimeFunctionality on sessions and the platform on memdump', async () => {
    const [g] = await core.hostGroups.create([{ name: 'quarantine', group_type: 'static' }], { id: 'test' });
    await core.hostGroups.changeMembers('add-hosts', [g.id], `device_id:'${linux.device_id}'`, { id: 'test' });
    const [p] = await core.responsePolicies.create([{ name: 'No RTR', platform_name: 'Linux' }], actor);
    await core.responsePolicies.act('add-host-group', [p.id], [g.id], actor);
    await core.responsePolicies.act('enable', [p.id], [], actor);
    const ids = (await core.responsePolicies.query({ filter: "platform_name:'Linux'+name:!'platform_default'", sort: 'precedence.asc' })).ids;
    await core.responsePolicies.setPrecedence('Linux', [p.id, ...ids.filter((id) => id !== p.id)], actor);
    const err = await failure(core.guard.check(linux.device_id, 'session'));
    expect(err).toMatchObject({ status: 403, kind: 'forbidden_by_policy' });
    expect(err.message).toBe(`response policy "No RTR" (id ${p.id}) disables RealTimeFunctionality (Real Time Response) on this host`);
    await core.responsePolicies.update([{ id: p.id, settings: on('RealTimeFunctionality', 'GetCommand') }], actor);
    await core.guard.check(linux.device_id, 'session');
    await core.guard.check(linux.device_id, 'get');
    expect((await failure(core.guard.check(linux.device_id, 'xmemdump'))).message).toMatch(/XMemDumpCommand \(xmemdump\): the setting is not available on Linux/);
    expect((await failure(core.guard.check(linux.device_id, 'memdump'))).message).toMatch(/disables MemDumpCommand \(memdump\)/);
  });

  it('answers fan-outs in bulk, placing hosts that bypassed the host service', async () => {
    const now = new Date().toISOString();
    const bypass = 'b'.repeat(32);
    await core.store.db
      .insertInto('hosts')
      .values({ device_id: bypass, cb_device_id: 99_999, hostname: 'imported', platform_name: 'Mac', first_seen: now, last_seen: now, modified_timestamp: now } as any)
      .execute();
    const refusals = await core.guard.refusals([win[2].device_id, bypass, 'f'.repeat(32)], 'get');
    expect([...refusals.keys()].sort()).toEqual([bypass, win[2].device_id].sort());
    expect(refusals.get(bypass)!.message).toMatch(/^response policy "platform_default" \(id [0-9a-f]{32}\) disables GetCommand \(get\) on this host$/);
    expect((await core.guard.refusals([win[2].device_id, bypass], 'session')).size).toBe(0);
    expect(await effectiveName(bypass)).toBe('platform_default');
  });

  it('decides the next check on another process sharing the database (no stale cache)', async () => {
    const other = await createCore(await openStore({ url, poolSize: 2 }));
    try {
      const host = win[2];
      await other.guard.check(host.device_id, 'session');
      const d = defaults.get('Windows')!;
      await core.responsePolicies.update([{ id: d.id, settings: off('RealTimeFunctionality') }], actor);
      expect((await failure(other.guard.check(host.device_id, 'session'))).status).toBe(403);
      await core.responsePolicies.update([{ id: d.id, settings: on('RealTimeFunctionality') }], actor);
      await other.guard.check(host.device_id, 'session');
    } finally {
      await other.close();
    }
  });

  it('refuses bad writes whole, leaving nothing half-applied', async () => {
    const before = await core.responsePolicies.query({ limit: 5000 });
    const d = defaults.get('Windows')!;
    const cases: [() => Promise<unknown>, number, RegExp][] = [
      [() => core.responsePolicies.create([{ name: 'A1', platform_name: 'Linux' }, { name: 'a1', platform_name: 'Linux' }], actor), 400, /Linux response policy named "a1" already exists/],
      [() => core.responsePolicies.create([{ name: 'A2', platform_name: 'Linux', settings: on('XMemDumpCommand') }], actor), 400, /not available on Linux/],
      [() => core.responsePolicies.create([{ name: 'platform_default', platform_name: 'Mac' }], actor), 400, /reserved/],
      [() => core.responsePolicies.create([{ name: 'A3', platform_name: 'Solaris' }], actor), 400, /platform_name must be one of/],
      [() => core.responsePolicies.create([{ name: 'A4', platform_name: 'Mac', clone_id: d.id }], actor), 400, /cannot clone Windows policy/],
      [() => core.responsePolicies.create([{ name: 'A5', platform_name: 'Mac', clone_id: 'f'.repeat(32) }], actor), 404, /to clone not found/],
      [() => core.responsePolicies.update([{ id: d.id, name: 'renamed' }], actor), 400, /cannot be renamed/],
      [() => core.responsePolicies.update([{ id: 'f'.repeat(32), description: 'x' }], actor), 404, /not found/],
      [() => core.responsePolicies.delete([d.id], actor), 400, /cannot be deleted/],
      [() => core.responsePolicies.act('disable', [d.id], [], actor), 400, /cannot be disabled/],
      [() => core.responsePolicies.act('add-host-group', [d.id], [], actor), 400, /needs action_parameters/],
      [() => core.responsePolicies.act('add-rule-group', [d.id], [], actor), 400, /rule_group_id/],
      [() => core.responsePolicies.act('add-rule-group', [d.id], ['r1'], actor), 404, /rule group not found: r1/],
      [() => core.responsePolicies.setPrecedence('Windows', [d.id], actor), 400, /always last/],
      [() => core.responsePolicies.setPrecedence('Windows', ['f'.repeat(32)], actor), 404, /not found/],
    ];
    for (const [p, status, message] of cases) {
      const err = await failure(p());
      expect(err.status, err.message).toBe(status);
      expect(err.message).toMatch(message);
    }
    const afterwards = await core.responsePolicies.query({ limit: 5000 });
    expect(afterwards.ids.sort()).toEqual(before.ids.sort());
  });

  it('deletes only disabled non-default policies, moving their hosts and auditing the change', async () => {
    const [g] = await core.hostGroups.create([{ name: 'temp', group_type: 'static' }], { id: 'test' });
    await core.hostGroups.changeMembers('add-hosts', [g.id], `device_id:'${win[2].device_id}'`, { id: 'test' });
    const [p] = await core.responsePolicies.create([{ name: 'Temp', platform_name: 'Windows', settings: on('RealTimeFunctionality') }], actor);
    await core.responsePolicies.act('add-host-group', [p.id], [g.id], actor);
    expect((await failure(core.responsePolicies.act('add-host-group', [p.id], [g.id], actor))).message).toMatch(/already attached/);
    expect((await failure(core.responsePolicies.act('add-host-group', [p.id], ['f'.repeat(32)], actor))).status).toBe(404);
    await core.responsePolicies.act('enable', [p.id], [], actor);
    const windows = (await core.responsePolicies.query({ filter: "platform_name:'Windows'+name:!'platform_default'", sort: 'precedence.asc' })).ids;
    await core.responsePolicies.setPrecedence('Windows', [p.id, ...windows.filter((id) => id !== p.id)], actor);
    expect(await effectiveName(win[2].device_id)).toBe('Temp');
    const enabled = await failure(core.responsePolicies.delete([p.id], actor));
    expect(enabled).toMatchObject({ status: 400 });
    expect(enabled.message).toMatch(/is enabled: disable it before deleting it/);
    await core.responsePolicies.act('disable', [p.id], [], actor);
    expect(await core.responsePolicies.delete([p.id], actor)).toEqual([p.id]);
    expect(await core.responsePolicies.get([p.id])).toEqual([]);
    expect(await effectiveName(win[2].device_id)).toBe('platform_default');
    const rest = await core.responsePolicies.get(windows.filter((id) => id !== p.id));
    expect(rest.map((r) => r.precedence).sort()).toEqual(rest.map((_, i) => i + 1));
    const trail = await core.audit.forTarget('response_policy', p.id);
    expect(trail.map((e) => e.action)).toEqual([
      'response_policy.delete',
      'response_policy.disable',
      'response_policy.enable',
      'response_policy.add-host-group',
      'response_policy.create',
    ]);
    expect(trail[0]).toMatchObject({ actor: 'client-1', actor_name: 'tester', after: undefined });
    expect(trail[0].before).toMatchObject({ name: 'Temp', enabled: false, groups: [g.id] });
    expect(trail[3]).toMatchObject({ before: { groups: [] }, after: { groups: [g.id] } });
  });

  it('rebuilds every host from scratch to the same answers', async () => {
    const all = await core.hosts.query({ limit: 1000, includeHidden: true });
    const before = await core.responsePolicies.effective(all.ids);
    await core.store.db.deleteFrom('hosts_effective_policy').execute();
    await core.responsePolicies.rebuild();
    const after = await core.responsePolicies.effective(all.ids);
    expect([...after.entries()].map(([k, v]) => [k, v.policy_id]).sort()).toEqual([...before.entries()].map(([k, v]) => [k, v.policy_id]).sort());
  });
});
