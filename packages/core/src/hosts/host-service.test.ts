import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../index.ts';
import { openTestCore } from '../testing/core.ts';

let core: Core;
beforeAll(async () => {
  core = await openTestCore();
});
afterAll(async () => {
  await core?.close();
});

describe('HostService presence (touchMany, markOffline)', () => {
  const row = (id: string) => core.store.db.selectFrom('hosts').select(['online', 'last_seen', 'revision']).where('device_id', '=', id).executeTakeFirstOrThrow();

  it('marks hosts online and seen, changing the revision only of those that were offline', async () => {
    const on = (await core.hosts.register({ hostname: 'on', platform_name: 'Linux' })).device_id;
    const off = (await core.hosts.register({ hostname: 'off', platform_name: 'Linux' })).device_id;
    await core.hosts.setOnline(on, true);
    await core.hosts.setOnline(off, false);
    const [before, beforeOff] = [await row(on), await row(off)];
    await new Promise((r) => setTimeout(r, 5));
    await core.hosts.touchMany([on, off]);
    const [after, afterOff] = [await row(on), await row(off)];
    expect(Number(after.online)).toBe(1);
    expect(Number(afterOff.online)).toBe(1);
    expect(after.revision).toBe(before.revision);
    expect(afterOff.revision).toBe(beforeOff.revision + 1);
    expect(after.last_seen > before.last_seen).toBe(true);
  });

  it('leaves alone a host that is no longer connected when its chunk is written', async () => {
    const gone = (await core.hosts.register({ hostname: 'gone', platform_name: 'Linux' })).device_id;
    await core.hosts.setOnline(gone, false);
    const before = await row(gone);
    await core.hosts.touchMany([gone], () => false);
    expect(await row(gone)).toEqual(before);
  });

  it('marks hosts offline and seen until now, changing the revision only of those that were online', async () => {
    const on = (await core.hosts.register({ hostname: 'leaving', platform_name: 'Linux' })).device_id;
    const off = (await core.hosts.register({ hostname: 'left', platform_name: 'Linux' })).device_id;
    await core.hosts.setOnline(on, true);
    await core.hosts.setOnline(off, false);
    const [before, beforeOff] = [await row(on), await row(off)];
    await new Promise((r) => setTimeout(r, 5));
    await core.hosts.markOffline([on, off]);
    const [after, afterOff] = [await row(on), await row(off)];
    expect(Number(after.online)).toBe(0);
    expect(Number(afterOff.online)).toBe(0);
    expect(after.revision).toBe(before.revision + 1);
    expect(afterOff.revision).toBe(beforeOff.revision);
    expect(after.last_seen > before.last_seen).toBe(true);
  });

  it('leaves online a host whose agent came back before its chunk was written', async () => {
    const back = (await core.hosts.register({ hostname: 'back', platform_name: 'Linux' })).device_id;
    await core.hosts.setOnline(back, true);
    const before = await row(back);
    await core.hosts.markOffline([back], () => false);
    expect(await row(back)).toEqual(before);
  });

  it('welcomes connecting agents together: facts stored, hosts online, bad items refused alone', async () => {
    const a = (await core.hosts.register({ hostname: 'a', platform_name: 'Linux', os_version: '1' })).device_id;
    const b = (await core.hosts.register({ hostname: 'b', platform_name: 'Linux' })).device_id;
    await core.hosts.setOnline(a, false);
    await core.hosts.setOnline(b, true);
    const [beforeA, beforeB] = [await row(a), await row(b)];
    const items = [
      { device_id: a, facts: { hostname: 'a', platform_name: 'Linux' as const, os_version: '2', logins: [{ user_name: 'root', login_time: '2026-01-02T03:04:05.000Z', login_type: 'Interactive', success: true }] } },
      { device_id: b, facts: { hostname: 'b', platform_name: 'Linux' as const } },
      { device_id: a, facts: { hostname: '', platform_name: 'Linux' as const } },
      { device_id: 'f'.repeat(32), facts: { hostname: 'nobody', platform_name: 'Linux' as const } },
    ];
    await core.hosts.welcomeMany(items);
    expect(items.map((i) => (i as { error?: Error }).error?.message)).toEqual([undefined, undefined, expect.stringMatching(/hostname/), expect.stringMatching(/not found/)]);
    const [hostA, afterA, afterB] = [(await core.hosts.get(a))!, await row(a), await row(b)];
    expect(hostA).toMatchObject({ os_version: '2', last_login_user: 'root' });
    expect(Number(afterA.online)).toBe(1);
    expect(afterA.revision).toBeGreaterThan(beforeA.revision);
    // Already online with the same facts: seen now, its cached renderings still current.
    expect(Number(afterB.online)).toBe(1);
    expect(afterB.revision).toBe(beforeB.revision);
    expect(afterB.last_seen >= beforeB.last_seen).toBe(true);
  });
});

describe('HostService registration (register, many at once)', () => {
  it('creates hosts registering at the same moment together: distinct numbers, facts, policies', async () => {
    const hosts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => core.hosts.register({ hostname: `many-${i}`, platform_name: i % 2 ? 'Windows' : 'Linux', local_ip: `10.1.0.${i}`, logins: [{ user_name: 'root', login_time: '2026-01-02T03:04:05.000Z', login_type: 'Interactive', success: true }], tags: ['SimulatedHost'] })),
    );
    expect(hosts.map((h) => h.hostname)).toEqual(Array.from({ length: 40 }, (_, i) => `many-${i}`));
    const rows = await core.store.db.selectFrom('hosts').select(['device_id', 'cb_device_id']).where('hostname', 'like', 'many-%').execute();
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.cb_device_id)).size).toBe(40);
    const policies = await core.responsePolicies.effective(hosts.map((h) => h.device_id));
    expect(policies.size).toBe(40);
    const history = await core.hosts.addressHistory([hosts[7].device_id]);
    expect(history[0].history.map((h) => h.ip_address)).toEqual(['10.1.0.7']);
  });

  it('fails only the registration that cannot be created when others are made with it', async () => {
    const taken = (await core.hosts.register({ hostname: 'taken', platform_name: 'Linux' })).device_id;
    const results = await Promise.allSettled([
      core.hosts.register({ hostname: 'fine-1', platform_name: 'Linux' }),
      core.hosts.register({ hostname: 'same-id', platform_name: 'Linux' }, { device_id: taken }),
      core.hosts.register({ hostname: 'fine-2', platform_name: 'Mac' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await core.hosts.get(taken))!.hostname).toBe('taken');
    await expect(core.hosts.register({ hostname: '', platform_name: 'Linux' })).rejects.toThrow(/hostname/);
  });
});

describe('HostService login history', () => {
  it('records each login once and takes first and last login from successful ones', async () => {
    const h = await core.hosts.register({ hostname: 'logins', platform_name: 'Linux' });
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    const logins = [
      { user_name: 'alice', login_time: at(1), login_type: 'Interactive', success: true },
      { user_name: 'bob', login_time: at(2), login_type: 'Remote interactive', remote_address: '192.0.2.7', success: true },
      { user_name: 'mallory', login_time: at(3), login_type: 'Remote interactive', remote_address: '198.51.100.9', success: false },
    ];
    await core.hosts.updateFacts(h.device_id, { hostname: 'logins', platform_name: 'Linux', logins });
    await core.hosts.updateFacts(h.device_id, { hostname: 'logins', platform_name: 'Linux', logins });
    const [history] = await core.hosts.loginHistory([h.device_id], { limit: 100 });
    expect(history.recent_logins.map((l) => [l.user_name, l.success])).toEqual([['mallory', false], ['bob', true], ['alice', true]]);
    expect(history.recent_logins[1].remote_address).toBe('192.0.2.7');
    const host = (await core.hosts.get(h.device_id))!;
    expect([host.last_login_user, host.last_login_timestamp, host.first_login_user, host.first_login_timestamp]).toEqual(['bob', at(2), 'alice', at(1)]);
    const window = await core.hosts.loginHistory([h.device_id], { from: at(2), to: at(2) });
    expect(window[0].recent_logins.map((l) => l.user_name)).toEqual(['bob']);
    await expect(
      core.hosts.updateFacts(h.device_id, { hostname: 'logins', platform_name: 'Linux', logins: [{ user_name: 'x', login_time: 'yesterday', login_type: 'Interactive', success: true }] }),
    ).rejects.toThrow(/login_time/);
  });
});
