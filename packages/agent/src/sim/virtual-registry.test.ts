import { describe, expect, it } from 'vitest';
import { simHost } from './testing.ts';

const RUN = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run';

describe('simulated registry', () => {
  it('answers queries like reg.exe: long hive names, full subkey paths, string data', async () => {
    const h = simHost('windows');
    const cv = await h.ok('reg', { action: 'query', key: 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' });
    expect(cv.key).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion');
    const inv = await h.executor.inventory();
    expect(cv.values).toEqual(expect.arrayContaining([
      { name: 'ProductName', type: 'REG_SZ', data: inv.os_product_name },
      { name: 'CurrentBuild', type: 'REG_SZ', data: inv.os_build },
    ]));
    expect(cv.values.find((v: { name: string }) => v.name === 'InstallDate').data).toMatch(/^0x[0-9a-f]+$/);

    const services = await h.ok('reg', { action: 'query', key: 'hkey_local_machine\\system\\currentcontrolset\\services' });
    expect(services.subkeys).toContain('HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RiposteAgent');
    const agent = await h.ok('reg', { action: 'query', key: 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RiposteAgent', value: 'Start' });
    expect(agent.values).toEqual([{ name: 'Start', type: 'REG_DWORD', data: '0x2' }]);

    const computer = await h.ok('reg', { action: 'query', key: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName' });
    expect(computer.values[0].data).toBe(inv.hostname);
    expect((await h.ok('reg', { action: 'query', key: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' })).values[0].name).toBe('OneDrive');
  });

  it('set, query and delete round-trip, including new keys and the default value', async () => {
    const h = simHost('windows');
    expect(await h.ok('reg', { action: 'set', key: RUN, value: 'Updater', data: 'C:\\Users\\Public\\upd.exe' })).toEqual({
      action: 'set', key: `HKEY_LOCAL_MACHINE${RUN.slice(4)}`, value: 'Updater', type: 'REG_SZ', data: 'C:\\Users\\Public\\upd.exe',
    });
    const run = await h.ok('reg', { action: 'query', key: RUN.toLowerCase() });
    expect(run.values.map((v: { name: string }) => v.name)).toEqual(['SecurityHealth', 'Updater']);

    await h.ok('reg', { action: 'set', key: 'HKCU\\Software\\Evil Corp\\Persist', value: 'Count', type: 'REG_DWORD', data: '0x10' });
    await h.ok('reg', { action: 'set', key: 'HKCU\\Software\\Evil Corp\\Persist', type: 'REG_SZ', data: 'default!' });
    const evil = await h.ok('reg', { action: 'query', key: 'HKCU\\Software\\Evil Corp\\Persist' });
    expect(evil.values).toEqual([
      { name: 'Count', type: 'REG_DWORD', data: '0x10' },
      { name: '(Default)', type: 'REG_SZ', data: 'default!' },
    ]);
    expect((await h.ok('reg', { action: 'query', key: 'HKCU\\Software' })).subkeys).toContain('HKEY_CURRENT_USER\\Software\\Evil Corp');

    expect(await h.ok('reg', { action: 'delete', key: RUN, value: 'updater' })).toMatchObject({ action: 'delete', value: 'updater' });
    expect((await h.ok('reg', { action: 'query', key: RUN })).values.map((v: { name: string }) => v.name)).toEqual(['SecurityHealth']);
    await h.fails('reg', 'not_found', { action: 'delete', key: RUN, value: 'Updater' });

    await h.ok('reg', { action: 'delete', key: 'HKCU\\Software\\Evil Corp' });
    await h.fails('reg', 'not_found', { action: 'query', key: 'HKCU\\Software\\Evil Corp\\Persist' });

    h.executor.dispose(); // changes survive dropping the generated registry
    expect((await h.ok('reg', { action: 'query', key: RUN })).values).toHaveLength(1);
  });

  it('validates types and refuses to delete hive roots', async () => {
    const h = simHost('windows');
    await h.fails('reg', 'invalid_argument', { action: 'set', key: 'HKLM\\SOFTWARE\\X', value: 'n', type: 'REG_DWORD', data: 'many' });
    await h.fails('reg', 'invalid_argument', { action: 'set', key: 'HKLM\\SOFTWARE\\X', value: 'n', type: 'REG_WEIRD', data: '1' });
    await h.fails('reg', 'invalid_argument', { action: 'query', key: 'HKXX\\SOFTWARE' });
    await h.fails('reg', 'invalid_argument', { action: 'frobnicate', key: 'HKLM' });
    await h.fails('reg', 'permission_denied', { action: 'delete', key: 'HKLM\\SYSTEM' });
    await h.fails('reg', 'permission_denied', { action: 'delete', key: 'HKCU' });
    expect((await h.ok('reg', { action: 'set', key: 'HKLM\\SOFTWARE\\X', value: 'b', type: 'reg_binary', data: 'deadBEEF' })).data).toBe('DEADBEEF');
  });

  it('loads and unloads hive files from the virtual disk', async () => {
    const h = simHost('windows');
    const user = (await h.ok('ls', { path: 'C:\\Users' })).entries.find((e: { name: string }) => !['Default', 'Public'].includes(e.name)).path;
    await h.fails('reg', 'not_found', { action: 'load', key: 'HKLM\\Suspect', data: 'C:\\nope.dat' });
    expect(await h.ok('reg', { action: 'load', key: 'HKLM\\Suspect', data: `${user}\\NTUSER.DAT` })).toEqual({
      action: 'load', key: 'HKEY_LOCAL_MACHINE\\Suspect', file: `${user}\\NTUSER.DAT`,
    });
    expect((await h.ok('reg', { action: 'query', key: 'HKLM\\Suspect' })).subkeys).toEqual(['HKEY_LOCAL_MACHINE\\Suspect\\Software']);
    await h.fails('reg', 'already_exists', { action: 'load', key: 'HKLM\\Suspect', data: `${user}\\NTUSER.DAT` });
    await h.fails('reg', 'invalid_argument', { action: 'unload', key: 'HKLM\\SOFTWARE' });
    await h.ok('reg', { action: 'unload', key: 'HKLM\\Suspect' });
    await h.fails('reg', 'not_found', { action: 'query', key: 'HKLM\\Suspect' });
  });

  it('is Windows only', async () => {
    for (const platform of ['linux', 'mac'] as const) {
      const message = await simHost(platform).fails('reg', 'not_supported', { action: 'query', key: 'HKLM' });
      expect(message).toBe(`reg is not supported on ${platform}`);
    }
  });
});
